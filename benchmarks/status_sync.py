"""Status sync: one `orders_poll` round over N sent orders, 100 ids per `status` call over loopback HTTP.

The orders are inserted in bulk with their charges; the simulator answers for them through its
`answer_unheld_orders` hook (it does not hold them): a twentieth each end Canceled and Partial
(refunded), a tenth Completed, the rest In progress. Every order moves from Pending, so every
order is written, gets an event, and the refunds go through the ledger.
"""

from __future__ import annotations

import math
import time
from collections import deque
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import fixtures
from benchmarks.report import Result
from billing.audit import ledger_audit
from orders.models import Order
from orders.services.polling import orders_poll
from provider.services import provider_client

FIRST_PROVIDER_ORDER_ID = 5_000_001
QUANTITY = 1000
TARGET_SECONDS_100K = 60


def provider_answer(provider_order_id: int) -> dict[str, Any]:
    """What the provider says of one of the bench orders; a pure function of its id."""
    kind = provider_order_id % 20
    if kind == 0:
        status, remains = "Canceled", QUANTITY
    elif kind == 1:
        status, remains = "Partial", QUANTITY // 2
    elif kind in (2, 3):
        status, remains = "Completed", 0
    else:
        status, remains = "In progress", QUANTITY * 2 // 5
    charge = "0" if status == "Canceled" else "0.90000"
    return {
        "charge": charge,
        "start_count": "120",
        "status": status,
        "remains": str(remains),
        "currency": "USD",
    }


def expected_refunds(count: int) -> int:
    ids = range(FIRST_PROVIDER_ORDER_ID, FIRST_PROVIDER_ORDER_ID + count)
    return sum(1 for pid in ids if pid % 20 in (0, 1))


def measure_round(provider, count: int) -> dict[str, float]:
    """Polls `count` freshly inserted orders once; returns seconds, calls, queries, refunds."""
    client = provider_client(provider)
    calls_before = client.calls
    # Django keeps the last 9000 queries only; a round of 100,000 orders runs more.
    connection.queries_log = deque(maxlen=1_000_000)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        report = orders_poll(provider=provider)
        seconds = time.perf_counter() - started
    assert report is not None and report.failed_calls == 0, report
    return {
        "seconds": seconds,
        "calls": client.calls - calls_before,
        "queries": len(captured),
        "changed": report.changed,
        "refunds": report.refunds,
    }


def insert_sent_orders(*, owners, service, count: int, vacuum: bool = True) -> None:
    """`count` sent orders (Pending), charged, that `provider_answer` answers for."""
    fixtures.insert_orders(
        owners=owners,
        service=service,
        count=count,
        first_provider_order_id=FIRST_PROVIDER_ORDER_ID,
        quantity=QUANTITY,
        vacuum=vacuum,
    )


def run(ctx) -> list[Result]:
    sizes = (1_000, 10_000) if ctx.quick else (1_000, 10_000, 100_000)
    simulator = ctx.simulator
    simulator.answer_unheld_orders(provider_answer)
    provider = fixtures.provider_for(simulator, "Status sync")
    service = fixtures.default_service(provider)
    owners = fixtures.customers(100)
    results: list[Result] = []
    per_chunk_at_smallest = None
    try:
        for count in sizes:
            fixtures.clear_orders()
            started = time.perf_counter()
            insert_sent_orders(owners=owners, service=service, count=count)
            ctx.log(f"status sync: {count:,} orders inserted in {time.perf_counter() - started:.1f} s")
            measured = measure_round(provider, count)
            chunks = math.ceil(count / 100)
            per_chunk = measured["queries"] / chunks
            ctx.log(
                f"status sync: {count:,} orders in {measured['seconds']:.1f} s, {measured['calls']} calls, "
                f"{measured['queries']} queries, {measured['refunds']} refunds"
            )
            # The round did its work: every order moved, the right ones were refunded, the books balance.
            assert measured["changed"] == count, measured
            assert measured["refunds"] == expected_refunds(count), measured
            assert Order.objects.filter(last_checked_at__isnull=True).count() == 0
            problems = ledger_audit()
            assert not problems, problems[:5]

            label = f"status sync, {count:,} orders"
            rate = count / measured["seconds"]
            results.append(Result(f"{label}: throughput", round(rate), "orders/s"))
            if count == 100_000:
                results.append(
                    Result.under(f"{label}: time", round(measured["seconds"], 1), "s", TARGET_SECONDS_100K)
                )
            else:
                results.append(Result(f"{label}: time", round(measured["seconds"], 2), "s"))
            results.append(
                Result.equal(
                    f"{label}: provider calls", measured["calls"], "calls", chunks, f"ceil(N/100) = {chunks}"
                )
            )
            if per_chunk_at_smallest is None:
                per_chunk_at_smallest = per_chunk
                results.append(
                    Result(f"{label}: SQL queries per chunk of 100", round(per_chunk, 2), "queries")
                )
            else:
                results.append(
                    Result(
                        f"{label}: SQL queries per chunk of 100",
                        round(per_chunk, 2),
                        "queries",
                        f"<= {per_chunk_at_smallest:.2f} (N = {sizes[0]:,})",
                        per_chunk <= per_chunk_at_smallest,
                    )
                )
    finally:
        simulator.answer_unheld_orders(None)
        fixtures.clear_orders()
    return results
