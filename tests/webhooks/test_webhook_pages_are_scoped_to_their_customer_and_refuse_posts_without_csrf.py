"""The Webhooks section of the API page and each endpoint's page: a customer sees, changes and
tests only its own endpoints (another's is a 404), every form carries a CSRF token and a post
without one is refused; the delivery log is paged, newest first."""

import re

from django.test import Client

from webhooks.models import MAX_ENDPOINTS_PER_CUSTOMER, DeliveryState, WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_deliveries_send


def _forms(html: str) -> list[str]:
    return re.findall(r'<form method="post".*?</form>', html, re.S)


def test_a_customer_adds_tests_rotates_disables_and_deletes_its_own_endpoints(
    client, make_customer, make_receiver, make_endpoint, django_capture_on_commit_callbacks
):
    me, other = make_customer(), make_customer()
    receiver = make_receiver()
    theirs = make_endpoint(other, make_receiver())
    client.force_login(me)

    added = client.post("/account/api/webhooks/", {"url": receiver.url})
    assert added.status_code == 302 and added["Location"] == "/account/api/#webhooks"
    mine = WebhookEndpoint.objects.get(customer=me)
    assert mine.url == receiver.url and mine.secret.startswith("whsec_")
    page = client.get("/account/api/").content.decode()
    assert receiver.url in page and mine.secret in page
    assert theirs.url not in page and theirs.secret not in page

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/account/api/webhooks/{mine.pk}/", {"do": "test"}).status_code == 302
    (received,) = receiver.wait_for(1)
    assert received.payload["type"] == "webhook.test"

    old_secret = mine.secret
    client.post(f"/account/api/webhooks/{mine.pk}/", {"do": "rotate"})
    mine.refresh_from_db()
    assert mine.secret != old_secret
    client.post(f"/account/api/webhooks/{mine.pk}/", {"do": "disable"})
    mine.refresh_from_db()
    assert not mine.is_active and mine.disabled_reason == "Disabled by you"
    refused = client.post(f"/account/api/webhooks/{mine.pk}/", {"do": "test"}, follow=True)
    assert "Enable the endpoint first." in refused.content.decode()
    client.post(f"/account/api/webhooks/{mine.pk}/", {"do": "enable"})
    mine.refresh_from_db()
    assert mine.is_active

    # Another customer's endpoint: not found, for every request.
    assert client.get(f"/account/api/webhooks/{theirs.pk}/").status_code == 404
    for what in ("test", "rotate", "disable", "delete"):
        assert client.post(f"/account/api/webhooks/{theirs.pk}/", {"do": what}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active and not WebhookDelivery.objects.filter(endpoint=theirs).exists()

    assert client.post(f"/account/api/webhooks/{mine.pk}/", {"do": "delete"}).status_code == 302
    assert not WebhookEndpoint.objects.filter(customer=me).exists()
    assert WebhookEndpoint.objects.filter(pk=theirs.pk).exists()


def test_urls_that_are_not_http_or_registered_twice_or_past_the_limit_are_refused(
    client, make_customer, receiver
):
    me = make_customer()
    client.force_login(me)
    page = client.post("/account/api/webhooks/", {"url": "ftp://example.com/hook"}, follow=True)
    assert "must start with https://" in page.content.decode()
    client.post("/account/api/webhooks/", {"url": receiver.url})
    page = client.post("/account/api/webhooks/", {"url": receiver.url}, follow=True)
    assert "registered already" in page.content.decode()
    for i in range(1, MAX_ENDPOINTS_PER_CUSTOMER):
        client.post("/account/api/webhooks/", {"url": f"{receiver.url}/{i}"})
    page = client.post(
        "/account/api/webhooks/", {"url": f"{receiver.url}/more"}, follow=True
    ).content.decode()
    assert f"at most {MAX_ENDPOINTS_PER_CUSTOMER} endpoints" in page
    assert WebhookEndpoint.objects.filter(customer=me).count() == MAX_ENDPOINTS_PER_CUSTOMER
    assert 'action="/account/api/webhooks/"' not in page  # no add form past the limit


def test_every_webhook_form_has_a_token_and_is_refused_without_one(make_customer, make_endpoint, receiver):
    me = make_customer()
    endpoint = make_endpoint(me, receiver)
    browser, strict = Client(), Client(enforce_csrf_checks=True)
    browser.force_login(me)
    strict.force_login(me)
    forms = _forms(browser.get("/account/api/").content.decode())
    forms += _forms(browser.get(f"/account/api/webhooks/{endpoint.pk}/").content.decode())
    assert len(forms) >= 7  # the key's two, add; test, disable, rotate, delete
    assert all("csrfmiddlewaretoken" in form for form in forms)
    assert strict.post("/account/api/webhooks/", {"url": "http://127.0.0.1:1/x"}).status_code == 403
    for what in ("test", "rotate", "disable", "enable", "delete"):
        assert strict.post(f"/account/api/webhooks/{endpoint.pk}/", {"do": what}).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.is_active and WebhookEndpoint.objects.filter(customer=me).count() == 1


def test_the_delivery_log_is_paged_newest_first_and_needs_a_login(
    client, make_customer, make_endpoint, receiver
):
    me = make_customer()
    endpoint = make_endpoint(me, receiver)
    receiver.answer(500)
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event_type="webhook.test", payload={"n": i}) for i in range(30)
    )
    webhook_deliveries_send()  # the first fails (and holds the others back), none is left untried
    newest = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-id").first()

    assert Client().get(f"/account/api/webhooks/{endpoint.pk}/").status_code == 302  # to the login
    client.force_login(me)
    first = client.get(f"/account/api/webhooks/{endpoint.pk}/").content.decode()
    assert first.index(str(newest.event_id)) < first.index("Page 1 of 2")
    assert first.count("<tr>") == 1 + 25
    assert DeliveryState.PENDING.label in first
    second = client.get(f"/account/api/webhooks/{endpoint.pk}/?page=2").content.decode()
    assert second.count("<tr>") == 1 + 5 and str(newest.event_id) not in second
    assert "HTTP 500" in second  # the oldest, tried first
