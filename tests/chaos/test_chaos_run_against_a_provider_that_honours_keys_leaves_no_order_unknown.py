"""The chaos run's faults against a provider that honours idempotency keys (issue #21): every `add`
that meets a late answer, a timeout, a 500, HTML or half a JSON goes again with the order's own key,
and the provider answers a repeat with the order it placed first. In the end no order is unknown,
none was placed twice, and the books balance. CHAOS_SEED replays a run, as in the main chaos run."""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from billing.audit import ledger_audit
from orders.errors import OrderRefused
from orders.models import FINAL, Order, Submission
from orders.services import forwarding
from orders.services.placing import order_place
from orders.services.polling import orders_poll
from orders.tasks import submit_order
from tests.chaos.conftest import (
    AMBIGUOUS_ADD_FAULTS,
    chaos_faults,
    make_customer,
    order_params,
    provider_for,
    service_named,
    start_worker,
)

ORDERS = 400
BUDGET = 300  # seconds from the first order to every order settled


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True)
def test_every_ambiguous_add_is_sent_again_and_no_order_is_left_unknown_or_placed_twice(
    chaos_seed, make_simulator, start_process, monkeypatch
):
    rng = random.Random(chaos_seed)
    started = time.monotonic()
    simulator = make_simulator(seed=chaos_seed, time_scale=1, honours_idempotency_keys=True)
    provider = provider_for(simulator)
    provider.honours_idempotency_keys = True
    provider.save(update_fields=["honours_idempotency_keys"])
    services = [
        service_named(provider, name)
        for name in ("Instagram Followers [No refill]", "Instagram Likes", "Instagram Followers Package 1000")
    ]
    customers = [make_customer(Decimal(rng.randint(400, 900))) for _ in range(10)]

    start_worker(start_process, "keys-worker", purge=True)
    simulator.set_faults(chaos_faults(chaos_seed))
    monkeypatch.setattr(forwarding, "SENDING_TIMEOUT", timedelta(seconds=20))
    monkeypatch.setattr(forwarding, "LOST_TASK_AFTER", timedelta(seconds=10))

    placed: list[int] = []
    for index in range(ORDERS):
        service = rng.choice(services)
        link = f"https://instagram.com/p/keys{chaos_seed}-{index}"
        try:
            placed.append(
                order_place(
                    customer=rng.choice(customers),
                    service_id=service.pk,
                    params=order_params(rng, service, link),
                ).pk
            )
        except OrderRefused:
            continue

    while True:
        now = timezone.now()
        # Time passes: the re-sends' and refusals' back-offs run out.
        Order.objects.filter(submission=Submission.QUEUED, next_attempt_at__gt=now).update(
            next_attempt_at=now
        )
        for order_id in forwarding.orders_sweep()[1]:
            submit_order.delay(order_id)
        orders_poll(provider=provider)
        under_way = Order.objects.filter(
            Q(submission__in=[Submission.QUEUED, Submission.SENDING, Submission.UNKNOWN])
            | (Q(submission=Submission.SENT) & ~Q(status__in=FINAL))
        ).count()
        if under_way == 0:
            break
        assert time.monotonic() < started + BUDGET, f"{under_way} orders still under way"
        time.sleep(1)

    orders = list(Order.objects.all())
    assert sorted(order.pk for order in orders) == sorted(placed)
    assert [order.pk for order in orders if order.submission == Submission.UNKNOWN] == []
    placements = Counter(snapshot.link for snapshot in simulator.orders())
    assert [link for link, count in placements.items() if count > 1] == []
    sent = {order.link: order.provider_order_id for order in orders if order.submission == Submission.SENT}
    assert {snapshot.link: snapshot.order_id for snapshot in simulator.orders()} == sent
    assert ledger_audit() == []
    ambiguous = sum(1 for f in simulator.fired() if f.action == "add" and f.fault in AMBIGUOUS_ADD_FAULTS)
    resent = Counter(r.params["idempotency_key"] for r in simulator.received if r.action == "add")
    assert ambiguous > 20  # the run met the faults it is about
    print(
        f"\nchaos seed {chaos_seed} (keys honoured): {len(placed)} orders, {ambiguous} ambiguous answers "
        f"to add, {sum(n - 1 for n in resent.values())} re-sends, 0 unknown, "
        f"settled in {time.monotonic() - started:.0f} s"
    )
