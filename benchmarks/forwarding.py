"""Forwarding latency: from an order placed (order_place returned: charged, committed, its task
queued) to the provider simulator receiving its `add` from a running Celery worker."""

from __future__ import annotations

import time

from benchmarks import fixtures, processes
from benchmarks.report import Result, percentile
from orders.models import Order, Submission
from orders.services.placing import order_place

TARGET_P50_MS = 300
PACE = 0.1  # seconds between orders: ten a second, well within what two worker processes send


def _place(customer, service, link: str) -> float:
    order_place(
        customer=customer,
        service_id=service.pk,
        params={"link": link, "quantity": str(service.min_quantity * 10)},
    )
    return time.time()


def _received_adds(simulator) -> dict[str, float]:
    return {r.params.get("link", ""): r.at for r in simulator.received if r.action == "add"}


def _wait_for(simulator, links: list[str], timeout: float) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        received = _received_adds(simulator)
        if all(link in received for link in links) or time.monotonic() > deadline:
            return received
        time.sleep(0.1)


def run(ctx) -> list[Result]:
    count = 50 if ctx.quick else 200
    simulator = ctx.simulator
    provider = fixtures.provider_for(simulator, "Forwarding")
    service = fixtures.default_service(provider)
    (customer,) = fixtures.customers(1)
    with processes.celery_worker(ctx.scratch):
        # Warm up: the worker's first tasks open connections and import what they need.
        warm = [f"https://instagram.com/p/warm{n}" for n in range(4)]
        for link in warm:
            _place(customer, service, link)
        _wait_for(simulator, warm, timeout=60)

        placed: dict[str, float] = {}
        for n in range(count):
            link = f"https://instagram.com/p/forward{n}"
            placed[link] = _place(customer, service, link)
            time.sleep(PACE)
        received = _wait_for(simulator, list(placed), timeout=60)

        # Then a burst, placed as fast as one process places orders: how many a second get sent.
        burst = [f"https://instagram.com/p/burst{n}" for n in range(count // 2)]
        first = time.time()
        for link in burst:
            _place(customer, service, link)
        placed_in = time.time() - first
        burst_received = _wait_for(simulator, burst, timeout=120)
    assert all(link in burst_received for link in burst), "a burst order never reached the simulator"
    drained = max(burst_received[link] for link in burst) - first
    ctx.log(
        f"forwarding: a burst of {len(burst)} placed in {placed_in:.1f} s, all sent after {drained:.1f} s"
    )
    missing = [link for link in placed if link not in received]
    assert not missing, f"{len(missing)} orders never reached the simulator"
    assert Order.objects.filter(link__in=list(placed), submission=Submission.SENT).count() == count
    latencies = sorted((received[link] - placed[link]) * 1000 for link in placed)
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    ctx.log(f"forwarding: {count} orders, p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {latencies[-1]:.0f} ms")
    return [
        Result.under(f"forwarding latency, {count} orders: p50", round(p50), "ms", TARGET_P50_MS),
        Result(f"forwarding latency, {count} orders: p99", round(p99), "ms"),
        Result(
            f"forwarding throughput, burst of {len(burst)} orders", round(len(burst) / drained, 1), "orders/s"
        ),
    ]
