"""Issue #17: orders placed at once are sent with several `add`s open at the provider, never more
than its `max_in_flight`, whether one forwarding run sends them or a real Celery worker does; a poll
round running meanwhile counts against the same limit. The simulator records the most calls it was
answering at once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections

from orders.models import Order, Submission
from orders.services import polling
from orders.services.forwarding import orders_forward
from orders.services.placing import order_place
from orders.services.polling import orders_poll
from provider.simulator import Faults

LATENCY = 0.05  # seconds per call: long enough for calls to overlap, short for the test


def adds(simulator) -> list[str]:
    return [r.params["link"] for r in simulator.received if r.action == "add"]


def test_one_forwarding_run_keeps_several_adds_open_and_never_more_than_max_in_flight(
    provider, simulator, place_order
):
    provider.max_in_flight = 4
    provider.save(update_fields=["max_in_flight"])
    orders = [place_order() for _ in range(16)]
    simulator.set_faults(Faults(latency=LATENCY))

    run = orders_forward(provider_id=provider.pk)

    assert run is not None and run.sent == 16 and run.calls == 16
    assert 1 < simulator.peak_in_flight <= 4
    assert run.peak_in_flight <= 4
    assert Order.objects.filter(pk__in=[o.pk for o in orders], submission=Submission.SENT).count() == 16
    assert sorted(adds(simulator)) == sorted(o.link for o in orders)  # each sent once


@pytest.mark.django_db(transaction=True)
def test_a_poll_round_and_forwarding_at_once_share_the_providers_max_in_flight(
    provider, simulator, place_order, sent_order, monkeypatch
):
    provider.max_in_flight = 4
    provider.save(update_fields=["max_in_flight"])
    for _ in range(6):  # 6 orders to poll, in calls of one each below
        sent_order()
    queued = [place_order() for _ in range(12)]
    simulator.set_faults(Faults(latency=LATENCY))
    simulator.reset_peak_in_flight()

    monkeypatch.setattr(polling, "MAX_IDS_PER_CALL", 1)  # six status calls, asked at once

    def poll_round() -> None:
        try:
            orders_poll(provider=provider)
        finally:
            connections.close_all()

    polling_thread = threading.Thread(target=poll_round)
    polling_thread.start()
    run = orders_forward(provider_id=provider.pk)
    polling_thread.join(30)

    assert run is not None and run.sent == 12
    assert simulator.peak_in_flight <= 4
    statuses = [r for r in simulator.received if r.action == "status"]
    assert len(statuses) == 6
    assert Order.objects.filter(pk__in=[o.pk for o in queued], submission=Submission.SENT).count() == 12


def test_orders_placed_at_once_through_a_real_worker_reach_the_provider_concurrently(
    celery_worker, provider, simulator, default_service, make_customer, new_link
):
    provider.max_in_flight = 3
    provider.save(update_fields=["max_in_flight"])
    simulator.set_faults(Faults(latency=LATENCY))
    customer = make_customer("1000")
    placed = [
        order_place(
            customer=customer,
            service_id=default_service.pk,
            params={"link": new_link(), "quantity": str(default_service.min_quantity * 10)},
        )
        for _ in range(20)
    ]  # each queues its submit task on commit

    deadline = time.monotonic() + 60
    while Order.objects.filter(submission=Submission.SENT).count() < len(placed):
        assert time.monotonic() < deadline, celery_worker.output()[-3000:]
        time.sleep(0.1)

    assert 1 < simulator.peak_in_flight <= 3
    assert sorted(adds(simulator)) == sorted(o.link for o in placed)
