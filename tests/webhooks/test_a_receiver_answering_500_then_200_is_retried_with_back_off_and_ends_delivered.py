"""A failed attempt is tried again after a growing wait (1 min, 5 min, ...), with the same event id
and body; once the receiver answers 2xx the delivery is delivered and the endpoint's run of failures
ends."""

from datetime import timedelta

from django.utils import timezone

from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.services import webhook_deliveries_send, webhook_test_send


def _time_passes(delivery: WebhookDelivery) -> None:
    """The wait is over: the delivery is due now."""
    WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING).update(
        next_attempt_at=timezone.now()
    )


def test_500_500_then_200_waits_one_then_five_minutes_and_delivers(make_customer, receiver, make_endpoint):
    endpoint = make_endpoint(make_customer(), receiver)
    receiver.answer(500, 503)
    delivery = webhook_test_send(endpoint=endpoint)

    report = webhook_deliveries_send()
    delivery.refresh_from_db()
    assert (report.delivered, report.failed_attempts) == (0, 1)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.PENDING, 1, 500)
    assert delivery.last_error.startswith("HTTP 500: receiver says no")
    assert len(delivery.last_error) <= 200  # a snippet of the answer, not the answer
    wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert timedelta(seconds=54) <= wait <= timedelta(seconds=66)

    webhook_deliveries_send()  # not due yet: nothing is sent
    assert len(receiver.requests) == 1

    _time_passes(delivery)
    webhook_deliveries_send()
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (2, 503)
    wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert timedelta(minutes=4.5) <= wait <= timedelta(minutes=5.5)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 2 and endpoint.failing_since is not None

    _time_passes(delivery)
    report = webhook_deliveries_send()
    delivery.refresh_from_db()
    assert report.delivered == 1
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.DELIVERED, 3, 200)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    first, second, third = receiver.wait_for(3)
    assert first.body == second.body == third.body
    assert first.headers["Webhook-Id"] == third.headers["Webhook-Id"] == str(delivery.event_id)
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.failing_since, endpoint.is_active) == (0, None, True)


def test_a_delivery_whose_every_attempt_fails_ends_failed_after_the_last(
    make_customer, receiver, make_endpoint, settings
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    endpoint = make_endpoint(make_customer(), receiver)
    receiver.answer(500, 500, 500, 500)
    delivery = webhook_test_send(endpoint=endpoint)

    for _ in range(3):
        webhook_deliveries_send()
        _time_passes(delivery)
    webhook_deliveries_send()

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (DeliveryState.FAILED, 3, None)
    assert len(receiver.requests) == 3


def test_after_a_failure_the_endpoints_other_deliveries_wait_with_it_untried(
    make_customer, receiver, make_endpoint
):
    endpoint = make_endpoint(make_customer(), receiver)
    receiver.answer(500)
    deliveries = [webhook_test_send(endpoint=endpoint) for _ in range(3)]

    webhook_deliveries_send()

    assert len(receiver.requests) == 1  # a receiver that is down is not hit once per delivery
    first, *others = (WebhookDelivery.objects.get(pk=delivery.pk) for delivery in deliveries)
    assert first.attempts == 1
    for other in others:
        assert (other.state, other.attempts, other.next_attempt_at) == (
            DeliveryState.PENDING,
            0,
            first.next_attempt_at,
        )
