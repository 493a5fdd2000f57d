"""A receiver is the customer's own server: one that sends its answer a byte at a time, each byte
well within WEBHOOKS_TIMEOUT, is cut off when connecting and the whole answer have taken twice the
timeout. Its delivery is a failed attempt, and the other endpoints of the run are recorded as usual;
before, it held its sender thread, and with it the whole run and every outcome in it, until Celery
killed the task."""

import time
from decimal import Decimal

from webhooks.models import DeliveryState
from webhooks.sending import session_open
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


def test_the_guarded_session_bounds_its_answers_too(settings):
    """Outside DEBUG the session also refuses private addresses; its connections are bounded all the same."""
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    session = session_open()
    adapter = session.get_adapter("https://hooks.example.com/")
    adapter.init_poolmanager(1, 1)
    pool = adapter.poolmanager.pool_classes_by_scheme["https"]

    assert pool.ConnectionCls.__name__ == "_GuardedHTTPSConnection"
    assert pool.ConnectionCls.response_class.__name__ == "_BoundedResponse"
