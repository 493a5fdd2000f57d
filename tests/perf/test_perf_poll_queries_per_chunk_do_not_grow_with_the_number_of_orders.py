"""A poll round runs a fixed number of queries per chunk of 100 orders, refunds included: the same
for 200 orders as for 1,000 (the benchmark shows it up to 100,000)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.audit import ledger_audit
from orders.services.polling import orders_poll


def _queries_of_a_round(provider) -> tuple[int, int]:
    """(queries, refunds) of one poll round."""
    with CaptureQueriesContext(connection) as captured:
        report = orders_poll(provider=provider)
    assert report is not None and report.failed_calls == 0
    return len(captured), report.refunds


def test_poll_queries_per_chunk_are_the_same_for_200_and_1000_orders(provider, sent_orders):
    sent_orders(0)
    overhead, _ = _queries_of_a_round(provider)  # the round's own: lock, the ids to poll, unlock
    per_chunk = {}
    for count in (200, 1000):
        sent_orders(count)
        queries, refunds = _queries_of_a_round(provider)
        assert refunds == count // 10  # every chunk has its Partial and Canceled orders
        per_chunk[count] = (queries - overhead) / (count // 100)

    assert per_chunk[200] == per_chunk[1000]
    # 12, and up to 2 for webhooks: the active endpoints of the chunk's customers, and one insert of
    # their deliveries when there are some (tests/webhooks counts them with endpoints); and 1 for
    # notifications when an order turned final: one INSERT ... SELECT of the notices its customers
    # asked for (tests/notifications counts it).
    assert per_chunk[200] <= 15
    assert ledger_audit() == []
