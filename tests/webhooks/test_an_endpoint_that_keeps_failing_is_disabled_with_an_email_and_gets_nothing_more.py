"""An endpoint is disabled when its failed attempts in a row reach WEBHOOKS_DISABLE_AFTER_FAILURES
over at least WEBHOOKS_DISABLE_AFTER_HOURS: its owner gets an e-mail and a notice on the page, its
pending deliveries fail, and it gets nothing more until the customer enables it again."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from orders.services.polling import orders_poll
from provider.statuses import OrderStatus
from webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_deliveries_send, webhook_endpoint_enable, webhook_test_send


def _all_due() -> None:
    WebhookDelivery.objects.filter(state=DeliveryState.PENDING).update(next_attempt_at=timezone.now())


def test_failures_in_a_row_over_a_day_disable_the_endpoint_and_tell_its_owner(
    provider,
    simulator,
    make_customer,
    sent_order,
    receiver,
    make_endpoint,
    settings,
    client,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOKS_DISABLE_AFTER_HOURS = 24
    customer = make_customer()
    endpoint = make_endpoint(customer, receiver)
    receiver.answer(*[500] * 10)
    delivery = webhook_test_send(endpoint=endpoint)
    waiting = webhook_test_send(endpoint=endpoint)

    for _ in range(3):
        webhook_deliveries_send()
        _all_due()
    endpoint.refresh_from_db()
    # Three in a row, but within minutes: a short outage is no reason to give up on it.
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 3)
    assert mail.outbox == []

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(hours=25))
    report = webhook_deliveries_send()

    assert report.disabled == 1
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert "Deliveries kept failing" in endpoint.disabled_reason and "HTTP 500" in endpoint.disabled_reason
    (email,) = mail.outbox
    assert email.to == [customer.email]
    assert endpoint.url in email.body
    delivery.refresh_from_db()
    waiting.refresh_from_db()
    assert delivery.state == waiting.state == DeliveryState.FAILED
    assert len(receiver.requests) == 4

    # Disabled: a status change records nothing for it, and nothing is sent to it.
    order = sent_order(customer)
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED, remains=0)
    with django_capture_on_commit_callbacks(execute=True):
        orders_poll(provider=provider)
    _all_due()
    webhook_deliveries_send()
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 2
    assert len(receiver.requests) == 4

    client.force_login(customer)
    page = client.get(f"/account/api/webhooks/{endpoint.pk}/").content.decode()
    assert 'role="alert"' in page and "Deliveries kept failing" in page

    # Enabled again by its owner: a fresh start.
    webhook_endpoint_enable(endpoint=endpoint)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.failing_since) == (True, 0, None)
    webhook_test_send(endpoint=endpoint)
    receiver.answer(200)
    webhook_deliveries_send()
    assert len(receiver.requests) == 5
