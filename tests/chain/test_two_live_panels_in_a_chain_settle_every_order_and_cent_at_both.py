"""Two live panels in a chain (issue #21): B's customers order at B, B forwards to A's API v2, A to
the simulator; statuses, a Partial, a cancel and a refill flow back, each order is placed once at A
and once at the simulator, refunds are exact at both panels, and what A's ledger says B's owner
spent is what B's orders cost B."""

from __future__ import annotations

import io
import sys
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import refund_for, round_price_up
from catalog.models import Service
from orders.models import Order, Refill, Submission
from provider.client import ProviderClient
from provider.statuses import OrderStatus, RefillStatus
from tests.chain.conftest import A_FUNDS, B_MARKUP, A
from tests.waiting import wait_for

FINAL_REFILL = {RefillStatus.COMPLETED, RefillStatus.REJECTED}


def round_at_b() -> None:
    call_command("poll_orders", stdout=io.StringIO())


def service_at_b(chain, name: str) -> Service:
    return Service.objects.get(provider=chain.b_provider, provider_name=name, enabled=True)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_orders_placed_at_b_reach_a_and_the_simulator_once_and_settle_exactly_at_both(chain, make_reseller):
    followers = service_at_b(chain, "Instagram Followers [Refill 30 days]")  # Default, refill
    likes = service_at_b(chain, "Instagram Likes")  # drip-feed, cancel
    comments = service_at_b(chain, "Instagram Custom Comments")  # cancel
    package = service_at_b(chain, "Instagram Followers Package 1000")

    # B imported A's catalog at B's markup over A's price.
    for service in (followers, likes, comments, package):
        at_a = Service.objects.using(A).get(pk=service.provider_service_id)
        assert service.provider_rate == at_a.rate
        assert service.rate == round_price_up(at_a.rate * (100 + B_MARKUP) / 100, settings.PRICE_DECIMALS)

    first, second = make_reseller("100"), make_reseller("100")
    at_b = {
        buyer.customer.pk: ProviderClient(f"{chain.b_url}/api/v2", buyer.key) for buyer in (first, second)
    }
    first_b, second_b = at_b[first.customer.pk], at_b[second.customer.pk]
    placed = {
        "followers": first_b.add(service=followers.pk, link="https://instagram.com/chain1", quantity=1000),
        "likes": first_b.add(
            service=likes.pk, link="https://instagram.com/p/chain2", quantity=100, runs=3, interval=10
        ),
        "comments": second_b.add(
            service=comments.pk,
            link="https://instagram.com/p/chain3",
            comments="\n".join(f"great shot #{n}" for n in range(12)),
        ),
        "package": second_b.add(service=package.pk, link="https://instagram.com/chain4"),
    }

    def b_order(name: str) -> Order:
        return Order.objects.get(pk=placed[name])

    def a_order(name: str) -> Order:
        return Order.objects.using(A).get(pk=b_order(name).provider_order_id)

    def sent_everywhere() -> bool:
        b_orders = Order.objects.filter(pk__in=placed.values())
        a_orders = Order.objects.using(A).filter(pk__in=[o.provider_order_id for o in b_orders])
        return all(o.submission == Submission.SENT for o in [*b_orders, *a_orders]) and len(a_orders) == 4

    wait_for(sent_everywhere, timeout=60, what="B's orders sent to A and A's to the simulator")
    assert [b_order(name).quantity for name in placed] == [1000, 300, 12, 1]

    simulator = chain.simulator
    sim_id = {name: a_order(name).provider_order_id for name in placed}
    simulator.force_status(sim_id["followers"], OrderStatus.COMPLETED)
    simulator.force_status(sim_id["likes"], OrderStatus.PARTIAL, remains=120)
    simulator.force_status(sim_id["package"], OrderStatus.COMPLETED)
    assert second_b.cancel([placed["comments"]]) == {placed["comments"]: True}

    # The cancel goes B -> A -> simulator, which carries it out.
    def cancel_reached_the_simulator() -> bool:
        round_at_b()
        chain.round_at_a()
        return simulator.order(sim_id["comments"]).cancel_requested

    wait_for(cancel_reached_the_simulator, timeout=60, what="the cancel at the simulator")
    simulator.force_status(sim_id["comments"], OrderStatus.CANCELED)

    def final_at_b() -> bool:
        chain.round_at_a()
        round_at_b()
        return all(b_order(name).is_final for name in placed)

    wait_for(final_at_b, timeout=60, what="every order final at B")

    # A refill of the completed order: B -> A -> simulator, and its outcome back.
    refill_id = first_b.refill(placed["followers"])

    def refill_reached_the_simulator() -> bool:
        round_at_b()
        chain.round_at_a()
        return any(r.action == "refill" for r in simulator.received)

    wait_for(refill_reached_the_simulator, timeout=60, what="the refill at the simulator")
    simulator.advance(30)  # the simulator's refills end 20 s after they are asked for

    def refill_final_at_b() -> bool:
        chain.round_at_a()
        round_at_b()
        return Refill.objects.get(pk=refill_id).status in FINAL_REFILL

    wait_for(refill_final_at_b, timeout=60, what="the refill's outcome at B")

    # Each order was placed once at A and once at the simulator, with what B's customer asked.
    a_orders = list(Order.objects.using(A).order_by("pk"))
    assert [o.pk for o in a_orders] == sorted(b_order(name).provider_order_id for name in placed)
    assert {o.customer_id for o in a_orders} == {chain.a_customer_id}
    sim_orders = simulator.orders()
    assert sorted(s.order_id for s in sim_orders) == sorted(sim_id.values())
    assert Counter(s.link for s in sim_orders) == Counter(b_order(name).link for name in placed)
    for name in placed:
        b, a, sim = b_order(name), a_order(name), simulator.order(sim_id[name])
        assert (b.service.provider_service_id, b.quantity, b.params) == (a.service_id, a.quantity, a.params)
        assert a.service.provider_service_id == sim.service_id
        # Statuses and remains flowed back; refunds are exact shares of each panel's own charge.
        assert b.status == a.status == sim.status, name
        assert b.remains == a.remains == sim.remains, name
        for order in (a, b):
            undelivered = order.quantity if order.status == OrderStatus.CANCELED else order.remains
            assert order.refunded == refund_for(order.charge, undelivered=undelivered, ordered=order.quantity)
        # What B believes the order cost it is what A charged for it.
        assert b.cost == a.charged, name
    assert b_order("likes").status == OrderStatus.PARTIAL and b_order("likes").remains == 120
    assert b_order("comments").status == OrderStatus.CANCELED
    assert b_order("comments").refunded == b_order("comments").charge > 0

    refill_b = Refill.objects.get(pk=refill_id)
    refill_a = Refill.objects.using(A).get(pk=int(refill_b.provider_refill_id))
    sim_refills = [r for r in simulator.received if r.action == "refill"]
    assert refill_a.order_id == a_order("followers").pk
    assert len(sim_refills) == 1 and refill_a.status == refill_b.status

    # A's ledger for B's owner equals B's own view of what it spent.
    spent_at_a = -sum(
        e.amount
        for e in LedgerEntry.objects.using(A).filter(customer_id=chain.a_customer_id)
        if e.kind in (EntryKind.CHARGE, EntryKind.REFUND)
    )
    assert spent_at_a == sum(b_order(name).cost for name in placed) > 0
    assert Balance.objects.using(A).get(customer_id=chain.a_customer_id).amount == A_FUNDS - spent_at_a
    for buyer in (first, second):
        charged = sum(o.charged for o in Order.objects.filter(customer=buyer.customer))
        assert Balance.objects.get(customer=buyer.customer).amount == Decimal("100") - charged
    assert ledger_audit() == []
    chain.run("a-audit", [sys.executable, "manage.py", "audit_ledger"], chain.a_env)  # exits 1 on a problem
