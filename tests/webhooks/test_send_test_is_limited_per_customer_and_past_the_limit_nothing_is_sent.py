""" "Send test" makes the panel POST to a URL the customer chose, so it has a limit of its own:
WEBHOOKS_TEST_LIMIT_PER_MINUTE test events per customer in any minute, whichever endpoint and
whether from the page or the REST API. Past it the customer is told how long to wait (the page's
message; REST's 429 with Retry-After) and no delivery is made, so nothing is sent."""

import pytest
from rest_framework.test import APIClient

from webhooks.models import WebhookDelivery


@pytest.fixture(autouse=True)
def five_a_minute(settings):
    settings.WEBHOOKS_TEST_LIMIT_PER_MINUTE = 5


def _send_test(client, endpoint):
    return client.post(f"/account/api/webhooks/{endpoint.pk}/", {"do": "test"}, follow=True)


def test_past_the_limit_the_page_says_to_wait_and_nothing_is_sent(
    client, make_customer, make_receiver, make_endpoint, limits_clock, django_capture_on_commit_callbacks
):
    me = make_customer()
    receiver = make_receiver()
    first, second = make_endpoint(me, receiver), make_endpoint(me, make_receiver())
    client.force_login(me)
    with django_capture_on_commit_callbacks(execute=True):
        for endpoint in (first, first, first, second, second):
            assert "A test event is on its way." in _send_test(client, endpoint).content.decode()

        refused = _send_test(client, first).content.decode()
        again = _send_test(client, second).content.decode()

    for page in (refused, again):
        assert "You can send 5 test events a minute; try again in 61 s." in page
        assert "A test event is on its way." not in page
    assert WebhookDelivery.objects.filter(endpoint__customer=me).count() == 5
    assert len(receiver.wait_for(3)) == 3

    limits_clock.now += 61
    assert "A test event is on its way." in _send_test(client, first).content.decode()


def test_another_customers_tests_do_not_count(client, make_customer, make_receiver, make_endpoint):
    busy, calm = make_customer(), make_customer()
    busy_endpoint, calm_endpoint = make_endpoint(busy, make_receiver()), make_endpoint(calm, make_receiver())
    client.force_login(busy)
    for _ in range(6):
        _send_test(client, busy_endpoint)

    client.force_login(calm)
    assert "A test event is on its way." in _send_test(client, calm_endpoint).content.decode()


def test_past_the_limit_rest_answers_429_with_retry_after(make_reseller, make_receiver, make_endpoint):
    reseller = make_reseller()
    endpoint = make_endpoint(reseller.customer, make_receiver())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {reseller.key}")
    for _ in range(5):
        assert api.post(f"/api/rest/webhooks/{endpoint.pk}/test/").status_code == 202

    refused = api.post(f"/api/rest/webhooks/{endpoint.pk}/test/")

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert refused.json()["error"]["code"] == "throttled"
    assert "5 test events a minute" in refused.json()["error"]["message"]
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 5
