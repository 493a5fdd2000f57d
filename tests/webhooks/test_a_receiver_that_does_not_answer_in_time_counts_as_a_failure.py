"""A receiver slower than WEBHOOKS_TIMEOUT is a failed attempt, retried later, and the panel does not
wait for it longer than the timeout."""

import time
from decimal import Decimal

from webhooks.models import DeliveryState
from webhooks.services import webhook_deliveries_send, webhook_test_send


def test_an_answer_later_than_the_timeout_is_a_failed_attempt(
    make_customer, receiver, make_endpoint, settings
):
    settings.WEBHOOKS_TIMEOUT = Decimal("0.5")
    endpoint = make_endpoint(make_customer(), receiver)
    receiver.answer((200, 3.0))
    delivery = webhook_test_send(endpoint=endpoint)

    started = time.monotonic()
    report = webhook_deliveries_send()
    took = time.monotonic() - started

    assert took < 2.0
    delivery.refresh_from_db()
    assert report.failed_attempts == 1
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.PENDING, 1, None)
    assert delivery.last_error == "No answer within 0.5 s"
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1
