"""The chaos run (issue 8, docs/design.md "An order's life"): thousands of orders from twenty customers
go through a real Celery worker to a provider that times out, answers late, answers HTML, 500s and
half a JSON, refuses, and repeats, reorders and contradicts its statuses; one worker process is
killed mid-run and later the whole worker. In the end no order is lost, none was bought twice, every
unknown one is explained by a fault or a kill, and every cent matches what the provider did.

The seed (CHAOS_SEED, default random) is printed; it seeds the order mix and each fault's stream of
draws, so a failing run replays with the same mix and the same faults (which request meets which
still depends on how the worker's processes interleave). CHAOS_ORDERS and CHAOS_CONCURRENCY size it.
Without Redis the worker reads the filesystem broker every 50 ms (tests/chaos/worker_settings.py).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import signal
import time
from collections import Counter
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

import psutil
import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import AMOUNT_QUANTUM
from catalog.models import Service, ServiceType
from orders.errors import OrderRefused
from orders.models import FINAL, Order, Submission
from orders.services import forwarding
from orders.services.cancels_refills import cancels_send, order_request_cancel
from orders.services.operations import order_attach_provider_id, order_cancel_and_refund
from orders.services.placing import order_place
from orders.services.polling import orders_poll
from orders.tasks import poll_orders, submit_order
from provider.statuses import OrderStatus
from tests.chaos.conftest import (
    AMBIGUOUS_ADD_FAULTS,
    CONCURRENCY,
    chaos_faults,
    make_customer,
    order_params,
    provider_for,
    service_named,
    start_worker,
)

ORDERS = int(os.environ.get("CHAOS_ORDERS", "2000"))
CUSTOMERS = 20
BUDGET = 330  # seconds from the first order to every order settled

SERVICES = (
    "Instagram Followers [Refill 30 days]",  # Default, cancel, refill
    "Instagram Followers [No refill]",  # Default
    "Instagram Likes",  # Default, cancel
    "Instagram Followers Package 1000",  # Package
    "Instagram Custom Comments",  # Custom Comments, cancel
)


def sending_now() -> set[int]:
    return set(Order.objects.filter(submission=Submission.SENDING).values_list("pk", flat=True))


def pool_children(worker) -> list[psutil.Process]:
    try:
        return psutil.Process(worker.popen.pid).children()
    except psutil.NoSuchProcess:
        return []


def talking_to(process: psutil.Process, port: int) -> bool:
    try:
        return any(
            c.raddr and c.raddr.port == port and c.status == psutil.CONN_ESTABLISHED
            for c in process.net_connections(kind="tcp")
        )
    except psutil.Error:
        return False


def kill_one_pool_process(worker, port: int) -> tuple[int, bool]:
    """SIGKILLs one of the worker's pool processes, preferably one waiting on the provider.
    Returns (its pid, whether it was mid-call) once prefork has replaced it."""
    deadline = time.monotonic() + 15
    victim, mid_call = None, False
    while time.monotonic() < deadline and victim is None:
        busy = [child for child in pool_children(worker) if talking_to(child, port)]
        if busy:
            victim, mid_call = busy[0], True
        time.sleep(0.01)
    if victim is None:
        victim = pool_children(worker)[0]
    victim.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pids = {child.pid for child in pool_children(worker)}
        if len(pids) >= CONCURRENCY and victim.pid not in pids:
            return victim.pid, mid_call
        time.sleep(0.2)
    raise AssertionError(f"prefork did not replace the killed pool process:\n{worker.output()[-3000:]}")


def invalid_params(rng: random.Random, service: Service, link: str) -> tuple[object, dict[str, str]]:
    """A placement that must be refused and change nothing: (service id, params)."""
    kind = rng.choice(["bad link", "too few", "no such service"])
    if kind == "bad link":
        return service.pk, {"link": "not a link", "quantity": str(service.min_quantity)}
    if kind == "too few" and service.service_type == ServiceType.DEFAULT:
        return service.pk, {"link": link, "quantity": str(service.min_quantity - 1)}
    return 10**9, {"link": link, "quantity": "100"}


def undelivered_share(charge: Decimal, snapshot, quantity: int) -> Decimal:
    """What a Partial refunds of our `charge`: the undelivered share of the units charged; for a
    package (one unit to us, its own count at the provider), the share the provider refunded us."""
    if quantity == 1 and snapshot.quantity > 1:
        return (charge * snapshot.refunded / snapshot.charge).quantize(AMOUNT_QUANTUM, rounding=ROUND_DOWN)
    return (charge * snapshot.remains / quantity).quantize(AMOUNT_QUANTUM, rounding=ROUND_DOWN)


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_chaos_run_loses_no_order_and_no_cent(chaos_seed, make_simulator, start_process, monkeypatch):
    rng = random.Random(chaos_seed)
    started = time.monotonic()
    simulator = make_simulator(seed=chaos_seed, time_scale=1, partial_share=0.15, cancel_share=0.05)
    provider = provider_for(simulator)  # read the catalog while the simulator behaves
    services = [service_named(provider, name) for name in SERVICES]
    port = int(simulator.url.split(":")[2].split("/")[0])

    deposits: dict[int, Decimal] = {}
    customers = []
    for index in range(CUSTOMERS):
        # Two customers run short, so some placements meet "Not enough funds".
        funds = Decimal(rng.choice(["4", "6"]) if index < 2 else rng.randint(400, 900))
        customer = make_customer(funds)
        customers.append(customer)
        deposits[customer.pk] = funds
    poor, rich = customers[:2], customers[2:]

    worker = start_worker(start_process, "chaos-worker-1", purge=True)
    simulator.set_faults(chaos_faults(chaos_seed))
    # The sweeper runs here, on a shorter clock than production's: a sending order is presumed
    # dead after 20 s (twenty times the read timeout), a queued one's task lost after 40 s.
    monkeypatch.setattr(forwarding, "SENDING_TIMEOUT", timedelta(seconds=20))
    monkeypatch.setattr(forwarding, "LOST_TASK_AFTER", timedelta(seconds=40))

    placed: list[int] = []
    refused_placements = Counter()
    kills: list[str] = []
    # A forwarding run keeps several calls open (issue #17): a killed process leaves each of its
    # orders `sending`, for the sweeper. Every order sending right after a kill, the killed's among them.
    sending_at_kills: set[int] = set()
    pool_kill_at, worker_kill_at = ORDERS // 3, (2 * ORDERS) // 3
    for index in itertools.count():
        if len(placed) == ORDERS:
            break
        if len(placed) == pool_kill_at and not kills:
            pid, mid_call = kill_one_pool_process(worker, port)
            kills.append(f"pool process {pid} ({'mid-call' if mid_call else 'idle'})")
            sending_at_kills |= sending_now()
        if len(placed) == worker_kill_at and len(kills) == 1:
            busy = sum(talking_to(child, port) for child in pool_children(worker))
            os.killpg(worker.popen.pid, signal.SIGKILL)
            worker.popen.wait(30)
            kills.append(f"whole worker ({busy} of {CONCURRENCY} pool processes mid-call)")
            sending_at_kills |= sending_now()
            worker = start_worker(start_process, "chaos-worker-2", purge=False)
        customer = rng.choice(poor) if rng.random() < 0.03 else rng.choice(rich)
        service = rng.choice(services)
        link = f"https://instagram.com/p/chaos{chaos_seed}-{index}"
        if rng.random() < 0.03:
            service_id, params = invalid_params(rng, service, link)
        else:
            service_id, params = service.pk, order_params(rng, service, link)
        try:
            order = order_place(customer=customer, service_id=service_id, params=params)
        except OrderRefused as refusal:
            refused_placements[str(refusal)] += 1
            continue
        placed.append(order.pk)
        if rng.random() < 0.03:  # changes their mind at once: usually still queued
            try_cancel(customer, order.pk)
        if index % 100 == 99:
            poll_orders.delay()
            simulator.advance(3)
            for order_id in rng.sample(placed, 3):  # a later change of mind: usually sent by now
                try_cancel(Order.objects.get(pk=order_id).customer, order_id)
    placing_took = time.monotonic() - started

    def settle(deadline: float) -> None:
        """Sweeps, forwards cancels, polls and moves the provider's clock until nothing is under way."""
        last_report = 0.0
        while True:
            now = timezone.now()
            # Time passes: back-offs after refusals that may pass run out.
            Order.objects.filter(submission=Submission.QUEUED, next_attempt_at__gt=now).update(
                next_attempt_at=now
            )
            _, due = forwarding.orders_sweep()
            for order_id in due:
                submit_order.delay(order_id)
            cancels_send()
            orders_poll(provider=provider)
            poll_orders.delay()
            simulator.advance(20)
            under_way = Order.objects.filter(
                Q(submission__in=[Submission.QUEUED, Submission.SENDING])
                | (Q(submission=Submission.SENT) & ~Q(status__in=FINAL))
            )
            if time.monotonic() - last_report > 10:
                last_report = time.monotonic()
                report_progress(under_way, last_report - started)
            under_way = under_way.count()
            if under_way == 0:
                return
            assert time.monotonic() < deadline, f"{under_way} orders still under way"
            time.sleep(1)

    settle(started + BUDGET)
    settled_took = time.monotonic() - started

    # -- Nothing lost, nothing bought twice, every unknown explained ---------------------------
    orders = {order.pk: order for order in Order.objects.all()}
    assert sorted(orders) == sorted(placed), "an order appeared or vanished"
    assert ledger_audit() == []
    stuck = [o.pk for o in orders.values() if o.submission in (Submission.QUEUED, Submission.SENDING)]
    assert stuck == [], f"orders left queued or sending: {stuck}"
    for order in orders.values():
        assert order.is_final or order.submission == Submission.UNKNOWN or order.flagged, order.pk

    by_link = {order.link: order for order in orders.values()}
    sim_orders = simulator.orders()
    placements = Counter(snapshot.link for snapshot in sim_orders)
    adds = Counter(r.params.get("link") for r in simulator.received if r.action == "add")
    fired = simulator.fired()
    ambiguous = Counter(f.link for f in fired if f.action == "add" and f.fault in AMBIGUOUS_ADD_FAULTS)
    refusals = Counter(f.link for f in fired if f.action == "add" and f.fault == "refusal")
    assert set(placements) <= set(by_link), "the provider holds an order we never placed"

    unknown = [o for o in orders.values() if o.submission == Submission.UNKNOWN]
    swept = [o for o in unknown if "went silent" in o.error]
    print(
        f"\nchaos seed {chaos_seed}: {len(placed)} orders placed "
        f"({sum(refused_placements.values())} placements refused: {dict(refused_placements)}), "
        f"{CONCURRENCY} pool processes\n"
        f"  unknown: {len(unknown)} ({len(unknown) - len(swept)} after an ambiguous answer, "
        f"{len(swept)} swept after a kill); ambiguous faults on add: {sum(ambiguous.values())}\n"
        f"  kills: {kills}; {len(sending_at_kills)} orders sending just after them\n"
        f"  faults fired: {dict(sorted(Counter((f.fault, f.action) for f in fired).items()))}\n"
        f"  placing {placing_took:.0f} s, settled after {settled_took:.0f} s",
        flush=True,
    )
    for order in unknown:
        assert order.flagged and order.refunded == 0 and order.status == OrderStatus.PENDING
        if order not in swept:  # unknown after an answer: one of the ambiguous faults hit its add
            assert "No usable answer to add" in order.error, (order.pk, order.error)
            assert ambiguous[order.link] >= 1, (order.pk, order.error)
    # A killed process leaves at most the orders it was sending: none that was not sending then.
    assert {o.pk for o in swept} <= sending_at_kills, [o.pk for o in swept if o.pk not in sending_at_kills]
    assert len(unknown) <= sum(ambiguous.values()) + len(sending_at_kills)

    for order in orders.values():
        # Sent again only after the provider said "not now": never after an ambiguous answer.
        assert adds[order.link] <= 1 + refusals[order.link], (order.pk, adds[order.link])
        if order.submission != Submission.UNKNOWN:
            expected = 1 if order.submission == Submission.SENT else 0
            assert placements[order.link] == expected, (order.pk, order.submission)
        else:
            assert placements[order.link] <= 1

    # -- Every cent matches the provider's record ----------------------------------------------
    sim_by_id = {snapshot.order_id: snapshot for snapshot in sim_orders}

    def check_money(order: Order) -> None:
        if order.submission == Submission.SENT:
            snapshot = sim_by_id[order.provider_order_id]
            assert snapshot.link == order.link
            assert (order.status, order.remains) == (
                snapshot.status,
                min(snapshot.remains, order.quantity),
            ), order.pk
            # What the provider billed us in the end, for reconciliation; it moved no customer money.
            assert order.cost == snapshot.charge - snapshot.refunded, order.pk
            expected = {
                OrderStatus.COMPLETED: Decimal(0),
                OrderStatus.PARTIAL: undelivered_share(order.charge, snapshot, order.quantity),
                OrderStatus.CANCELED: order.charge,
            }[snapshot.status]
        elif order.submission == Submission.REJECTED:
            assert order.status == OrderStatus.CANCELED
            expected = order.charge
        else:
            expected = Decimal(0)
        assert order.refunded == expected, (order.pk, order.status, order.refunded, expected)
        refunds = LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND)
        assert sum(e.amount for e in refunds) == expected and refunds.count() <= 1

    for order in orders.values():
        check_money(order)

    # -- An admin resolves the unknown ones; then everything is final, to the cent -------------
    sim_by_link = {snapshot.link: snapshot for snapshot in sim_orders}
    attached = 0
    for order in unknown:
        if order.link in sim_by_link:
            order_attach_provider_id(
                order_id=order.pk, provider_order_id=sim_by_link[order.link].order_id, actor=None
            )
            attached += 1
        else:
            order_cancel_and_refund(order_id=order.pk, actor=None, reason="Not at the provider")
    simulator.set_faults(None)
    settle(time.monotonic() + 120)
    sim_by_id = {snapshot.order_id: snapshot for snapshot in simulator.orders()}
    for order in Order.objects.all():
        assert order.is_final, order.pk
        check_money(order)
    assert ledger_audit() == []
    call_command("audit_ledger")
    for customer in customers:
        spent = sum(o.charge - o.refunded for o in Order.objects.filter(customer=customer))
        assert Balance.objects.get(customer=customer).amount == deposits[customer.pk] - spent

    print(
        f"  resolved by staff: {attached} attached, {len(unknown) - attached} canceled and refunded; "
        f"all done after {time.monotonic() - started:.0f} s"
    )


def report_progress(under_way, elapsed: float) -> None:
    kinds = Counter(under_way.values_list("submission", "status"))
    print(f"  {elapsed:4.0f} s: under way {dict(kinds)}", flush=True)
    if sum(kinds.values()) <= 10:  # the stragglers, with what last happened to them
        for order in under_way:
            last = order.events.order_by("-id").first()
            print(f"    order {order.pk} {order.submission} {order.status}: {last}", flush=True)


def try_cancel(customer, order_id: int) -> None:
    # Refused when not cancelable (disabled, final, unknown) or asked already: nothing changes.
    with contextlib.suppress(OrderRefused):
        order_request_cancel(customer=customer, order_id=order_id)
