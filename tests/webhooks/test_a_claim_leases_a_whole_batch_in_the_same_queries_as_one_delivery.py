"""Claiming due deliveries costs the same few queries for one as for a full batch: the due rows are
locked and read in one statement and leased (moved LEASE ahead) in one UPDATE, not one per row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from webhooks.models import WebhookDelivery
from webhooks.services.delivery import BATCH, LEASE, _claim_batch


def test_one_delivery_and_a_full_batch_are_claimed_in_the_same_queries(
    make_customer, receiver, make_endpoint
):
    endpoint = make_endpoint(make_customer(), receiver)

    def claim(count: int) -> list[str]:
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(endpoint=endpoint, event_type="webhook.test", payload={}) for _ in range(count)
        )
        before = timezone.now()
        with CaptureQueriesContext(connection) as captured:
            claimed = _claim_batch(None)
        after = timezone.now()
        assert len(claimed) == count  # those claimed before are leased, not due
        rows = WebhookDelivery.objects.filter(pk__in=[delivery.pk for delivery in claimed])
        (lease,) = set(rows.values_list("next_attempt_at", flat=True))
        assert before + LEASE <= lease <= after + LEASE
        assert {delivery.next_attempt_at for delivery in claimed} == {lease}  # the token _record checks
        return [query["sql"] for query in captured]

    one, batch = claim(1), claim(BATCH)

    assert len(one) == len(batch)
    assert sum(sql.startswith("UPDATE") for sql in batch) == 1
    assert sum("FOR UPDATE" in sql and "SKIP LOCKED" in sql for sql in batch) == 1
    assert _claim_batch(None) == []
