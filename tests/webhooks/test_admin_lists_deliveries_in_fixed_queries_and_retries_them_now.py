"""The admin's endpoint and delivery lists run as many queries for many rows as for a few, and
"retry now" sends undelivered deliveries of active endpoints at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.services import webhook_deliveries_retry, webhook_deliveries_send


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_run_the_same_queries_for_3_and_30_rows(
    client, admin_user, make_customer, make_receiver, make_endpoint
):
    client.force_login(admin_user)

    def add(count: int) -> None:
        for _ in range(count):
            endpoint = make_endpoint(make_customer(), make_receiver())
            WebhookDelivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={})

    add(3)
    few = [_queries(client, f"/admin/webhooks/{name}/") for name in ("webhookendpoint", "webhookdelivery")]
    add(27)
    many = [_queries(client, f"/admin/webhooks/{name}/") for name in ("webhookendpoint", "webhookdelivery")]
    assert few == many
    page = client.get("/admin/webhooks/webhookdelivery/?state__exact=pending").content.decode()
    assert page.count('class="action-checkbox"') == 30
    endpoint = WebhookDelivery.objects.first().endpoint
    change = client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert f"?endpoint__id__exact={endpoint.pk}" in change and endpoint.secret not in change


def test_retry_now_sends_a_failed_delivery_again_and_skips_delivered_ones(
    client, admin_user, make_customer, receiver, make_endpoint, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    endpoint = make_endpoint(make_customer(), receiver)
    receiver.answer(500)
    failed, delivered = (
        WebhookDelivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={"n": n})
        for n in (1, 2)
    )
    webhook_deliveries_send()
    failed.refresh_from_db()
    assert failed.state == DeliveryState.FAILED and len(receiver.requests) == 1  # the second held back
    webhook_deliveries_send()
    assert WebhookDelivery.objects.get(pk=delivered.pk).state == DeliveryState.PENDING  # not due yet
    WebhookDelivery.objects.filter(pk=delivered.pk).update(state=DeliveryState.DELIVERED)
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/webhooks/webhookdelivery/",
            {"action": "retry_now", "_selected_action": [failed.pk, delivered.pk]},
            follow=True,
        )

    assert "1 deliveries queued to send now" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_status_code) == (DeliveryState.DELIVERED, 2, 200)
    assert [received.payload for received in receiver.requests] == [{"n": 1}, {"n": 1}]


def test_retrying_only_delivered_ones_queues_no_task(
    make_customer, receiver, make_endpoint, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(make_customer(), receiver)
    delivered = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="webhook.test", payload={}, state=DeliveryState.DELIVERED
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert webhook_deliveries_retry(ids=[delivered.pk]) == 0

    assert callbacks == []


def test_retry_now_leaves_a_delivery_a_worker_is_sending_alone(
    make_customer, receiver, make_endpoint, django_capture_on_commit_callbacks
):
    # A worker claimed it (its next attempt moved to the lease's end) and is posting it now:
    # "retry now" must not make it due again, or a second worker would post it twice.
    from webhooks.services.delivery import _claim_batch

    endpoint = make_endpoint(make_customer(), receiver)
    sending = WebhookDelivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={})
    [claimed] = _claim_batch([sending.pk])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert webhook_deliveries_retry(ids=[sending.pk]) == 0

    assert callbacks == []
    assert WebhookDelivery.objects.get(pk=sending.pk).next_attempt_at == claimed.next_attempt_at


def test_staff_may_delete_an_endpoint_but_never_add_change_or_delete_a_delivery(rf, admin_user):
    from django.contrib import admin

    from webhooks.models import WebhookEndpoint

    request = rf.get("/admin/")
    request.user = admin_user
    endpoints, deliveries = admin.site._registry[WebhookEndpoint], admin.site._registry[WebhookDelivery]
    assert endpoints.has_delete_permission(request) and not endpoints.has_change_permission(request)
    assert not any(
        check(request)
        for check in (
            deliveries.has_add_permission,
            deliveries.has_change_permission,
            deliveries.has_delete_permission,
        )
    )


def test_staff_deleting_an_endpoint_through_the_admin_removes_its_delivery_log(
    admin_client, make_customer, receiver, make_endpoint
):
    from webhooks.models import WebhookEndpoint
    from webhooks.services import webhook_test_send

    endpoint = make_endpoint(make_customer(), receiver)
    webhook_test_send(endpoint=endpoint)
    url = f"/admin/webhooks/webhookendpoint/{endpoint.pk}/delete/"

    page = admin_client.get(url)
    assert page.status_code == 200 and "permission" not in page.content.decode().lower()
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert not WebhookDelivery.objects.filter(endpoint_id=endpoint.pk).exists()
