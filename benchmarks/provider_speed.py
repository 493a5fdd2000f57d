"""At a real provider's speed (issues #17 and #25): the simulator answers every call after 0.3 s,
serving calls concurrently and recording the most it answered at once.

- Forwarding: a burst of orders placed in one transaction (their submit tasks queued on its commit),
  sent by a Celery worker on the forwarding queue; orders a second from the commit to the last `add`
  received, and the peak of calls in flight at the simulator.
- Status sync: one `orders_poll` round over N sent orders (as benchmarks/status_sync.py, 0.3 s a call).
- A new order's wait: orders placed ten a second while a poll round of 10,000 orders runs on the
  background worker, each timed from placed to its `add` received (the provider's 0.3 s not counted).
"""

from __future__ import annotations

import math
import time

from django.db import transaction

from benchmarks import fixtures, processes, status_sync
from benchmarks.forwarding import _wait_for
from benchmarks.report import Result, percentile
from billing.audit import ledger_audit
from orders.models import Order, Submission
from orders.services.placing import order_place
from orders.tasks import poll_provider_orders
from provider.simulator import Faults

LATENCY = 0.3  # seconds before the simulator answers any call
FORWARD_MAX_IN_FLIGHT = 64  # the burst's provider; the default is 32
TARGET_FORWARD_RATE = 100  # orders/s
TARGET_SYNC_SECONDS = 60  # for 100,000 orders
TARGET_WAIT_P95_MS = 1000


def _place(customer, service, link: str) -> None:
    order_place(
        customer=customer,
        service_id=service.pk,
        params={"link": link, "quantity": str(service.min_quantity * 10)},
    )


def _drain_broker(*, deadline: float) -> None:
    from django.conf import settings

    queue = settings.BROKER_DIR / "queue"
    while any(path.name.endswith(".msg") for path in queue.iterdir()):
        assert time.monotonic() < deadline, "the worker did not drain the broker"
        time.sleep(0.5)


def _forwarding_burst(ctx) -> list[Result]:
    count = 300 if ctx.quick else 2000
    simulator = ctx.simulator
    provider = fixtures.provider_for(simulator, "At provider speed")
    provider.max_in_flight = FORWARD_MAX_IN_FLIGHT
    provider.save(update_fields=["max_in_flight"])
    service = fixtures.default_service(provider)
    (customer,) = fixtures.customers(1)
    with processes.celery_worker(ctx.scratch, queues="forwarding", name="forwarding"):
        warm = [f"https://instagram.com/p/speedwarm{n}" for n in range(4)]
        for link in warm:
            _place(customer, service, link)
        _wait_for(simulator, warm, timeout=60)
        simulator.set_faults(Faults(latency=LATENCY))
        simulator.reset_peak_in_flight()
        links = [f"https://instagram.com/p/speedburst{n}" for n in range(count)]
        with transaction.atomic():
            for link in links:
                _place(customer, service, link)
            started = time.time()  # the commit publishes the tasks
        received = _wait_for(simulator, links, timeout=120)
        peak = simulator.peak_in_flight
        deadline = time.monotonic() + 60  # the last answers come 0.3 s after their calls arrived
        while (sent := Order.objects.filter(link__in=links, submission=Submission.SENT).count()) < count:
            assert time.monotonic() < deadline, f"{sent} of {count} sent"
            time.sleep(0.1)
        # The burst's other submit tasks found the run under way and had nothing to do; let the
        # worker finish them, or the next benchmark's orders would queue behind them.
        _drain_broker(deadline=time.monotonic() + 180)
        simulator.set_faults(None)
    missing = [link for link in links if link not in received]
    assert not missing, f"{len(missing)} burst orders never reached the simulator"
    took = max(received[link] for link in links) - started
    rate = count / took
    ctx.log(f"provider speed: a burst of {count} sent in {took:.1f} s ({rate:.0f}/s), peak {peak} in flight")
    label = f"forwarding at 0.3 s a call, burst of {count:,} (max_in_flight {FORWARD_MAX_IN_FLIGHT})"
    return [
        Result.at_least(f"{label}: throughput", round(rate, 1), "orders/s", TARGET_FORWARD_RATE),
        Result(
            f"{label}: peak calls in flight",
            peak,
            "calls",
            f"<= {FORWARD_MAX_IN_FLIGHT}",
            peak <= FORWARD_MAX_IN_FLIGHT,
        ),
    ]


def _status_sync(ctx) -> list[Result]:
    count = 10_000 if ctx.quick else 100_000
    simulator = ctx.simulator
    simulator.answer_unheld_orders(status_sync.provider_answer)
    provider = fixtures.provider_for(simulator, "Status sync at provider speed")
    service = fixtures.default_service(provider)
    owners = fixtures.customers(100)
    try:
        fixtures.clear_orders()
        status_sync.insert_sent_orders(owners=owners, service=service, count=count)
        simulator.set_faults(Faults(latency=LATENCY))
        simulator.reset_peak_in_flight()
        measured = status_sync.measure_round(provider, count)
        peak = simulator.peak_in_flight
        simulator.set_faults(None)
        assert measured["changed"] == count, measured
        assert measured["refunds"] == status_sync.expected_refunds(count), measured
        problems = ledger_audit()
        assert not problems, problems[:5]
    finally:
        simulator.set_faults(None)
        simulator.answer_unheld_orders(None)
        fixtures.clear_orders()
    chunks = math.ceil(count / 100)
    ctx.log(
        f"provider speed: status of {count:,} orders in {measured['seconds']:.1f} s, "
        f"{measured['calls']} calls, peak {peak} in flight"
    )
    label = f"status sync at 0.3 s a call, {count:,} orders"
    time_result = (
        Result.under(f"{label}: time", round(measured["seconds"], 1), "s", TARGET_SYNC_SECONDS)
        if count == 100_000
        else Result(f"{label}: time", round(measured["seconds"], 1), "s")
    )
    return [
        time_result,
        Result.equal(
            f"{label}: provider calls", measured["calls"], "calls", chunks, f"ceil(N/100) = {chunks}"
        ),
        Result(f"{label}: peak calls in flight", peak, "calls"),
    ]


def _wait_behind_a_poll_round(ctx) -> list[Result]:
    count = 10_000
    simulator = ctx.simulator
    simulator.answer_unheld_orders(status_sync.provider_answer)
    provider = fixtures.provider_for(simulator, "Polled while forwarding")
    service = fixtures.default_service(provider)
    owners = fixtures.customers(20)
    (customer,) = fixtures.customers(1)
    placed: dict[str, float] = {}
    during_round = 0
    try:
        fixtures.clear_orders()
        status_sync.insert_sent_orders(owners=owners, service=service, count=count)
        with (
            processes.celery_worker(ctx.scratch, queues="forwarding", name="forwarding"),
            processes.celery_worker(ctx.scratch, queues="celery", name="background"),
        ):
            warm = [f"https://instagram.com/p/waitwarm{n}" for n in range(4)]
            for link in warm:
                _place(customer, service, link)
            _wait_for(simulator, warm, timeout=60)
            simulator.set_faults(Faults(latency=LATENCY))
            calls = math.ceil(count / 100)

            def status_calls() -> int:
                return sum(1 for r in simulator.received if r.action == "status")

            before = status_calls()
            poll_provider_orders.delay(provider.pk)
            deadline = time.monotonic() + 60
            while status_calls() == before:  # the round has started
                assert time.monotonic() < deadline, "the poll round did not start"
                time.sleep(0.05)
            n = 0
            while n < 20 or (status_calls() - before < calls and n < 600):
                link = f"https://instagram.com/p/waiting{n}"
                _place(customer, service, link)
                placed[link] = time.time()
                during_round += status_calls() - before < calls
                n += 1
                time.sleep(0.1)
            received = _wait_for(simulator, list(placed), timeout=120)
            simulator.set_faults(None)
    finally:
        simulator.set_faults(None)
        simulator.answer_unheld_orders(None)
    missing = [link for link in placed if link not in received]
    assert not missing, f"{len(missing)} orders never reached the simulator"
    waits = sorted((received[link] - placed[link]) * 1000 for link in placed)
    p50, p95 = percentile(waits, 50), percentile(waits, 95)
    ctx.log(
        f"provider speed: {len(placed)} orders placed ({during_round} during the poll round of {count:,}): "
        f"wait p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {waits[-1]:.0f} ms"
    )
    fixtures.clear_orders()
    label = f"a new order's wait during a poll round of {count:,} at 0.3 s a call"
    return [
        Result.under(f"{label}: p95", round(p95), "ms", TARGET_WAIT_P95_MS),
        Result(f"{label}: p50", round(p50), "ms"),
        Result(f"{label}: orders placed while the round ran", during_round, "orders"),
    ]


def run(ctx) -> list[Result]:
    return [*_forwarding_burst(ctx), *_status_sync(ctx), *_wait_behind_a_poll_round(ctx)]
