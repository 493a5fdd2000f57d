"""The REST viewset: a customer lists, creates (seeing the secret), rotates, tests, disables,
enables and deletes its own endpoints and pages through their deliveries; another customer's
endpoint is a 404."""

import pytest
from rest_framework.test import APIClient

from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_deliveries_send


@pytest.fixture
def rest(make_reseller):
    """(customer, client): a client that sends the customer's API key, as resellers call the API."""
    reseller = make_reseller()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {reseller.key}")
    return reseller.customer, api


def test_endpoints_are_created_tested_rotated_and_deleted_through_rest(
    rest, receiver, make_customer, make_endpoint, django_capture_on_commit_callbacks
):
    customer, api = rest
    theirs = make_endpoint(make_customer(), receiver)
    assert APIClient().get("/api/rest/webhooks/").status_code == 401  # no key, no endpoints

    created = api.post("/api/rest/webhooks/", {"url": receiver.url}, format="json")
    assert created.status_code == 201
    endpoint = WebhookEndpoint.objects.get(customer=customer)
    assert created.json()["secret"] == endpoint.secret and created.json()["is_active"] is True
    assert api.post("/api/rest/webhooks/", {"url": "ftp://x.example/"}, format="json").status_code == 400
    assert api.post("/api/rest/webhooks/", {"url": receiver.url}, format="json").status_code == 400

    rows = api.get("/api/rest/webhooks/").json()["results"]
    assert [row["id"] for row in rows] == [endpoint.pk] and "secret" not in rows[0]
    assert api.get(f"/api/rest/webhooks/{endpoint.pk}/").json()["secret"] == endpoint.secret

    rotated = api.post(f"/api/rest/webhooks/{endpoint.pk}/rotate-secret/").json()
    endpoint.refresh_from_db()
    assert rotated["secret"] == endpoint.secret != created.json()["secret"]

    with django_capture_on_commit_callbacks(execute=True):
        tested = api.post(f"/api/rest/webhooks/{endpoint.pk}/test/")
    assert tested.status_code == 202 and tested.json()["event_type"] == "webhook.test"
    assert receiver.wait_for(1)[0].payload["id"] == tested.json()["event_id"]

    assert api.post(f"/api/rest/webhooks/{endpoint.pk}/disable/").json()["is_active"] is False
    assert api.post(f"/api/rest/webhooks/{endpoint.pk}/test/").status_code == 409
    assert api.post(f"/api/rest/webhooks/{endpoint.pk}/enable/").json()["is_active"] is True

    for path in ("", "rotate-secret/", "test/", "disable/", "enable/", "deliveries/"):
        method = api.get if path in ("", "deliveries/") else api.post
        answer = method(f"/api/rest/webhooks/{theirs.pk}/{path}")
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "webhook_not_found", path
    assert api.delete(f"/api/rest/webhooks/{theirs.pk}/").status_code == 404

    assert api.delete(f"/api/rest/webhooks/{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.filter(customer=customer).exists()
    assert WebhookEndpoint.objects.filter(pk=theirs.pk).exists()


def test_deliveries_are_listed_newest_first_and_filtered_by_state(rest, receiver, make_endpoint):
    customer, api = rest
    endpoint = make_endpoint(customer, receiver)
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event_type="webhook.test", payload={"n": i}) for i in range(3)
    )
    webhook_deliveries_send()

    rows = api.get(f"/api/rest/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    assert [row["payload"]["n"] for row in rows] == [2, 1, 0]
    assert {row["state"] for row in rows} == {"delivered"} and rows[0]["last_status_code"] == 200
    assert api.get(f"/api/rest/webhooks/{endpoint.pk}/deliveries/?state=failed").json()["results"] == []
    delivered = api.get(f"/api/rest/webhooks/{endpoint.pk}/deliveries/?state=delivered").json()["results"]
    assert [row["payload"]["n"] for row in delivered] == [2, 1, 0]
    lost = api.get(f"/api/rest/webhooks/{endpoint.pk}/deliveries/?state=lost")
    assert lost.status_code == 400
    assert (lost.json()["error"]["code"], lost.json()["error"]["field"]) == ("invalid_parameter", "state")


def test_an_endpoint_past_the_limit_is_a_409_and_a_repeated_url_a_400_naming_it(rest, receiver):
    from webhooks.models import MAX_ENDPOINTS_PER_CUSTOMER

    customer, api = rest
    for n in range(MAX_ENDPOINTS_PER_CUSTOMER):
        assert (
            api.post("/api/rest/webhooks/", {"url": f"{receiver.url}?n={n}"}, format="json").status_code
            == 201
        )
    repeated = api.post("/api/rest/webhooks/", {"url": f"{receiver.url}?n=0"}, format="json")
    over = api.post("/api/rest/webhooks/", {"url": f"{receiver.url}?n=new"}, format="json")
    assert (repeated.status_code, repeated.json()["error"]["field"]) == (400, "url")
    assert (over.status_code, over.json()["error"]["code"]) == (409, "webhook_refused")
    assert f"at most {MAX_ENDPOINTS_PER_CUSTOMER} endpoints" in over.json()["error"]["message"]
    assert WebhookEndpoint.objects.filter(customer=customer).count() == MAX_ENDPOINTS_PER_CUSTOMER
