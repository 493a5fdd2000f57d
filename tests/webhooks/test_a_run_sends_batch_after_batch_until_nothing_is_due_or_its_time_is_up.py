"""One run of the send loop claims batch after batch until nothing is due, so a backlog larger
than BATCH goes out in one run; but it claims no new batch past RUN_SECONDS, and what it did not
claim stays due for the next run (beat's, 30 s later)."""

import pytest
from django.utils import timezone

from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.services import delivery as sending
from webhooks.services import webhook_deliveries_send, webhook_test_send


@pytest.mark.parametrize("given_ids", [False, True], ids=["beat's run", "the on-commit task's run"])
def test_five_due_deliveries_go_out_in_one_run_of_batches_of_two(
    given_ids, make_customer, receiver, make_endpoint, monkeypatch
):
    monkeypatch.setattr(sending, "BATCH", 2)
    endpoint = make_endpoint(make_customer(), receiver)
    deliveries = [webhook_test_send(endpoint=endpoint) for _ in range(5)]

    report = webhook_deliveries_send(ids=[delivery.pk for delivery in deliveries] if given_ids else None)

    assert report.delivered == 5
    assert WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED, attempts=1).count() == 5
    # Batch after batch, oldest first.
    sent = [received.headers["Webhook-Id"] for received in receiver.wait_for(5)]
    assert sent == [str(delivery.event_id) for delivery in deliveries]


def test_a_run_past_its_time_claims_no_more_and_leaves_the_rest_due(
    make_customer, receiver, make_endpoint, monkeypatch
):
    monkeypatch.setattr(sending, "BATCH", 1)
    monkeypatch.setattr(sending, "RUN_SECONDS", 0.3)
    endpoint = make_endpoint(make_customer(), receiver)
    receiver.answer((200, 0.6))  # the first batch outlasts the run's time
    first, *rest = [webhook_test_send(endpoint=endpoint) for _ in range(4)]

    report = webhook_deliveries_send()

    assert report.delivered == 1 and len(receiver.requests) == 1
    assert WebhookDelivery.objects.get(pk=first.pk).state == DeliveryState.DELIVERED
    now = timezone.now()
    for delivery in WebhookDelivery.objects.filter(pk__in=[delivery.pk for delivery in rest]):
        # Untried and not leased: the next run takes them at once.
        assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
        assert delivery.next_attempt_at <= now

    monkeypatch.setattr(sending, "RUN_SECONDS", 120)
    assert webhook_deliveries_send().delivered == 3
