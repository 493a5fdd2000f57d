"""A receiver is the customer's own server: one that sends its answer a byte at a time, each byte
well within WEBHOOKS_TIMEOUT, is cut off when connecting and the whole answer have taken twice the
timeout. Its delivery is a failed attempt, and the other endpoints of the run are recorded as usual;
before, it held its sender thread, and with it the whole run and every outcome in it, until Celery
killed the task."""

import time
from decimal import Decimal

from webhooks import sending
from webhooks.models import DeliveryState
from webhooks.services import webhook_deliveries_send, webhook_test_send

TIMEOUT = Decimal("0.3")


def test_a_trickled_answer_is_a_failed_attempt_and_the_run_goes_on(
    make_customer, make_receiver, make_endpoint, settings
):
    settings.WEBHOOKS_TIMEOUT = TIMEOUT
    slow, fine = make_receiver(), make_receiver()
    slow.answer((200, 0.0, 0.05))  # a head of about 150 bytes: 7 s in all, each byte in 0.05 s
    trickled = webhook_test_send(endpoint=make_endpoint(make_customer(), slow))
    delivered = webhook_test_send(endpoint=make_endpoint(make_customer(), fine))

    started = time.monotonic()
    report = webhook_deliveries_send()
    took = time.monotonic() - started

    assert took < 3.0  # twice the timeout, and the run's own work; the old code took 7 s or more
    assert (report.delivered, report.failed_attempts) == (1, 1)
    trickled.refresh_from_db()
    assert (trickled.state, trickled.attempts, trickled.last_status_code) == (DeliveryState.PENDING, 1, None)
    assert trickled.last_error == f"No answer within {TIMEOUT:g} s"
    delivered.refresh_from_db()
    assert delivered.state == DeliveryState.DELIVERED


def test_the_guarded_session_cuts_a_trickled_answer_too(receiver, settings, monkeypatch):
    """Outside DEBUG the session also refuses private addresses; its connections are bounded all the
    same. (The guard is told 127.0.0.1 is public, so that it lets the test's receiver through.)"""
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    settings.WEBHOOKS_TIMEOUT = TIMEOUT
    monkeypatch.setattr(sending, "_public", lambda address: True)
    receiver.answer((200, 0.0, 0.05))

    started = time.monotonic()
    with sending.session_open() as session:
        outcome = sending.post(session, url=receiver.url, secret="s" * 32, event_id="e1", payload={"a": 1})

    assert time.monotonic() - started < 3.0
    assert outcome == sending.Outcome(delivered=False, error=f"No answer within {TIMEOUT:g} s")
    assert len(receiver.requests) == 1
