"""Issue 8's stateful property test: random sequences of what customers, staff, the provider and the
panel's own jobs do to orders and money, on real PostgreSQL against the simulator, checked after
every step against a model kept in memory: each customer's balance, each order's charge, refund,
status and submission, and a clean `ledger_audit()`.

The simulator is the provider's truth (its clock moves only when a rule says so); the model
predicts what the panel must make of it. The services are called directly, no Celery.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from unittest.mock import patch

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from billing.audit import ledger_audit
from billing.models import Balance, LedgerEntry
from billing.money import AMOUNT_QUANTUM
from billing.services import BillingError, InsufficientFunds, ledger_adjust, ledger_deposit
from catalog.models import Service
from orders.errors import CANCEL_DISABLED, NOT_ENOUGH_FUNDS, REFILL_DISABLED, OrderRefused
from orders.models import CancelState, Order, OrderEvent, Refill, Submission
from orders.services import forwarding
from orders.services.cancels_refills import (
    cancels_send,
    order_request_cancel,
    order_request_refill,
    refills_poll,
    refills_send,
)
from orders.services.forwarding import order_submit, orders_sweep
from orders.services.operations import order_attach_provider_id, order_cancel_and_refund, order_resend
from orders.services.placing import order_place
from orders.services.polling import FLAG_AFTER_UNKNOWN_POLLS, orders_poll
from panel.models import User
from provider.models import Provider
from provider.services import provider_client
from provider.simulator import Faults
from provider.statuses import FINAL_REFILL_STATUSES, FINAL_STATUSES, OrderStatus
from tests.chaos.conftest import RecordingSimulator, make_customer, provider_for, service_named

READ_TIMEOUT = Decimal("0.5")  # the panel's, in this process: a late answer costs this much
_links = itertools.count(1)
ENDINGS: Counter[str] = Counter()  # where the examples' orders ended up, printed with -s

CANCELABLE = "Instagram Followers [Refill 30 days]"  # cancel and refill
PLAIN = "Instagram Followers [No refill]"  # neither

# The `add` faults that leave the outcome unknown, and whether the provider placed the order.
AMBIGUOUS = {
    "add_accepted_late": True,
    "add_timeout_before_accept": False,
    "http_500": False,
    "html": False,
    "truncated_json": True,
}
# What the provider answers an `add`: an order id most often.
ADD_ANSWERS = ["order id"] * 4 + ["refused for good", "refused for now", *AMBIGUOUS]
POLLS = ["plainly"] * 3 + ["spelled as in the wild", "contradicting itself", "Incorrect order ID for each"]
POLLS += ["html", "truncated_json"]


def undelivered_share(charge: Decimal, snapshot, quantity: int) -> Decimal:
    """What a Partial refunds of our `charge`: the undelivered share of the units charged; for a
    package (one unit to us, its own count at the provider), the share the provider refunded us."""
    if quantity == 1 and snapshot.quantity > 1:
        return (charge * snapshot.refunded / snapshot.charge).quantize(AMOUNT_QUANTUM, rounding=ROUND_DOWN)
    return (charge * snapshot.remains / quantity).quantize(AMOUNT_QUANTUM, rounding=ROUND_DOWN)


@dataclass
class Expected:
    """What the database must say about one order."""

    pk: int
    customer: int
    link: str
    quantity: int
    charge: Decimal
    cancelable: bool
    refillable: bool
    refunded: Decimal = Decimal(0)
    status: str = OrderStatus.PENDING
    submission: str = Submission.QUEUED
    cancel_state: str = CancelState.NONE
    flagged: bool = False
    unknown_polls: int = 0
    due: bool = True  # queued: its back-off has run out
    at_provider: bool = False  # unknown: the provider placed it all the same
    provider_order_id: int | None = None
    refill_open: bool = False
    refills: int = 0

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES


@dataclass
class World:
    """What the test gives the machine: the simulator, its provider row and two services."""

    simulator: RecordingSimulator
    provider: Provider
    services: dict[str, Service]
    examples: list[int] = field(default_factory=lambda: [0])


def pick(items: list, index: int):
    return items[index % len(items)]


class OrdersAndMoney(RuleBasedStateMachine):
    world: World

    # -- set-up and teardown -----------------------------------------------------------------

    @initialize(
        first_orders=st.lists(st.tuples(st.booleans(), st.integers(1, 10), st.booleans()), max_size=4)
    )
    def fresh_customers(self, first_orders: list[tuple[bool, int, bool]]) -> None:
        """Two new customers, one with money; a head start of orders placed, some of them sent."""
        self.world.examples[0] += 1
        self.sim = self.world.simulator
        self.provider = self.world.provider
        self.sim.set_faults(None)
        self.customers = [make_customer("40"), make_customer("0")]
        self.balances = {self.customers[0].pk: Decimal(40), self.customers[1].pk: Decimal(0)}
        self.orders: dict[int, Expected] = {}
        for cancelable, units, send in first_orders:
            self.place(0, cancelable, units)
            if send and self.queued_due():
                self.order_is_sent(len(self.orders) - 1, "order id")

    def teardown(self) -> None:
        for order in getattr(self, "orders", {}).values():
            ENDINGS[f"{order.submission} {order.status}"] += 1
        # A clean slate for the next example: this one's rows go, in the order their keys allow.
        ids = [customer.pk for customer in getattr(self, "customers", [])]
        LedgerEntry.objects.filter(customer_id__in=ids).delete()
        Refill.objects.filter(order__customer_id__in=ids).delete()
        OrderEvent.objects.filter(order__customer_id__in=ids).delete()
        Order.objects.filter(customer_id__in=ids).delete()
        Balance.objects.filter(customer_id__in=ids).delete()
        User.objects.filter(pk__in=ids).delete()
        self.world.simulator.set_faults(None)

    # -- helpers -------------------------------------------------------------------------------

    def with_faults(self, **faults) -> None:
        self.sim.set_faults(Faults(seed=self.world.examples[0], **faults) if faults else None)

    def where(self, **conditions) -> list[Expected]:
        def matches(order: Expected) -> bool:
            return all(getattr(order, name) == value for name, value in conditions.items())

        return [order for order in self.orders.values() if matches(order)]

    def queued_due(self) -> list[Expected]:
        return self.where(submission=Submission.QUEUED, due=True)

    def open_sent(self) -> list[Expected]:
        return [o for o in self.where(submission=Submission.SENT) if not o.final]

    def snapshot(self, order: Expected):
        return self.sim.order(order.provider_order_id)

    def refund(self, order: Expected, amount: Decimal) -> None:
        order.refunded += amount
        self.balances[order.customer] += amount

    def settle_from_provider(self, order: Expected) -> None:
        """A readable status answer: the order takes the provider's status, money follows."""
        snapshot = self.snapshot(order)
        order.unknown_polls = 0
        order.status = snapshot.status
        if snapshot.status == OrderStatus.CANCELED:
            self.refund(order, order.charge - order.refunded)
        elif snapshot.status == OrderStatus.PARTIAL:
            self.refund(order, undelivered_share(order.charge, snapshot, order.quantity))
        if snapshot.status == OrderStatus.COMPLETED and order.cancel_state == CancelState.SENT:
            order.cancel_state = CancelState.REFUSED

    def no_news(self, order: Expected) -> None:
        order.unknown_polls += 1
        if order.unknown_polls >= FLAG_AFTER_UNKNOWN_POLLS:
            order.flagged = True

    # -- money -------------------------------------------------------------------------------

    @rule(
        who=st.integers(0, 1),
        amount=st.one_of(
            st.decimals("0.00001", "300", places=5), st.sampled_from(["0", "-1", "0.000001", "NaN"])
        ),
    )
    def deposit(self, who: int, amount: Decimal | str) -> None:
        customer = self.customers[who]
        if isinstance(amount, str):  # refused: nothing moves
            with pytest.raises(BillingError):
                ledger_deposit(customer=customer, amount=Decimal(amount), created_by=None, reason="x")
            return
        ledger_deposit(customer=customer, amount=amount, created_by=None, reason="deposit")
        self.balances[customer.pk] += amount

    @rule(who=st.integers(0, 1), amount=st.decimals("-400", "400", places=5), overdraw=st.booleans())
    def admin_adjusts(self, who: int, amount: Decimal, overdraw: bool) -> None:
        customer = self.customers[who]
        if overdraw:  # an attempt to take more than the balance holds
            amount = -(self.balances[customer.pk] + Decimal("0.00001"))
        if amount == 0:
            with pytest.raises(BillingError):
                ledger_adjust(customer=customer, amount=amount, created_by=None, reason="typo")
        elif amount < 0 and -amount > self.balances[customer.pk]:
            with pytest.raises(InsufficientFunds):
                ledger_adjust(customer=customer, amount=amount, created_by=None, reason="correction")
        else:
            ledger_adjust(customer=customer, amount=amount, created_by=None, reason="correction")
            self.balances[customer.pk] += amount

    # -- placing -----------------------------------------------------------------------------

    @rule(
        who=st.integers(0, 1),
        cancelable=st.booleans(),
        units=st.integers(1, 60),
        runs=st.one_of(st.none(), st.integers(2, 5)),
    )
    def place(self, who: int, cancelable: bool, units: int, runs: int | None = None) -> None:
        customer = self.customers[who]
        service = self.world.services[CANCELABLE if cancelable else PLAIN]
        link = f"https://instagram.com/p/machine{next(_links)}"
        params = {"link": link, "quantity": str(service.min_quantity * units)}
        quantity = service.min_quantity * units
        if runs and service.dripfeed:  # drip-feed: `quantity` per run, charged for every run
            params.update(runs=str(runs), interval="15")
            quantity *= runs
        charge = (service.rate * quantity / 1000).quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)
        if charge > self.balances[customer.pk]:
            with pytest.raises(OrderRefused, match=NOT_ENOUGH_FUNDS):
                order_place(customer=customer, service_id=service.pk, params=params)
            return
        order = order_place(customer=customer, service_id=service.pk, params=params)
        assert order.charge == charge
        self.balances[customer.pk] -= charge
        self.orders[order.pk] = Expected(
            order.pk, customer.pk, link, quantity, charge, service.cancel, service.refill
        )

    @rule(who=st.integers(0, 1), cancelable=st.booleans(), units=st.integers(1, 10))
    def place_a_small_one(self, who: int, cancelable: bool, units: int) -> None:
        self.place(who, cancelable, units)

    @rule(
        who=st.integers(0, 1),
        mistake=st.sampled_from(["bad link", "too few", "too many", "no such service", "no quantity"]),
    )
    def place_refused(self, who: int, mistake: str) -> None:
        service = self.world.services[PLAIN]
        link = f"https://instagram.com/p/machine{next(_links)}"
        service_id, params = service.pk, {"link": link, "quantity": str(service.min_quantity)}
        if mistake == "bad link":
            params["link"] = "instagram post"
        elif mistake == "too few":
            params["quantity"] = str(service.min_quantity - 1)
        elif mistake == "too many":
            params["quantity"] = str(service.max_quantity + 1)
        elif mistake == "no such service":
            service_id = 10**9
        else:
            del params["quantity"]
        with pytest.raises(OrderRefused):
            order_place(customer=self.customers[who], service_id=service_id, params=params)

    # -- forwarding --------------------------------------------------------------------------

    @precondition(lambda self: self.queued_due())
    @rule(index=st.integers(0, 1000), answer=st.sampled_from(ADD_ANSWERS))
    def order_is_sent(self, index: int, answer: str) -> None:
        """The submit task sends a queued order; the provider answers `answer`."""
        order = pick(self.queued_due(), index)
        if answer == "order id":
            self.with_faults()
            assert order_submit(order_id=order.pk) == Submission.SENT
            order.submission = Submission.SENT
            order.provider_order_id = Order.objects.get(pk=order.pk).provider_order_id
            assert self.snapshot(order).link == order.link
        elif answer == "refused for good":
            self.with_faults(refusal=1.0, refusal_permanent=1.0)
            assert order_submit(order_id=order.pk) == Submission.REJECTED
            order.submission, order.status = Submission.REJECTED, OrderStatus.CANCELED
            self.refund(order, order.charge - order.refunded)
        elif answer == "refused for now":
            self.with_faults(refusal=1.0, refusal_permanent=0.0)
            assert order_submit(order_id=order.pk) == Submission.QUEUED
            order.due = False
        else:  # no usable answer: the provider may or may not have placed it
            self.with_faults(**{answer: 1.0, "late_delay": float(READ_TIMEOUT) * 2})
            assert order_submit(order_id=order.pk) == Submission.UNKNOWN
            order.submission, order.flagged, order.at_provider = Submission.UNKNOWN, True, AMBIGUOUS[answer]

    @precondition(lambda self: self.queued_due())
    @rule(index=st.integers(0, 1000))
    def sweeper_gives_up_on_a_send_that_then_succeeds(self, index: int) -> None:
        """The worker sending an order is slow past the sweeper's patience: the sweeper calls the
        order unknown, then the provider's answer arrives after all and settles it."""
        order = pick(self.queued_due(), index)
        self.with_faults()
        answered: list[str | None] = []

        def send() -> None:
            try:
                answered.append(order_submit(order_id=order.pk))
            finally:
                connection.close()

        worker = threading.Thread(target=send)
        # The door holds the call for as long as the sweeper takes; on a loaded machine that can pass
        # the worker's 0.5 s read timeout, and the worker would mark the order unknown itself.
        client = provider_client(Provider.objects.get(orders__pk=order.pk))
        patient = patch.object(client, "read_timeout", 30.0)
        with patient, self.sim.hold() as arrived:
            worker.start()
            assert arrived.wait(10), "the add never reached the provider"
            with patch.object(forwarding, "SENDING_TIMEOUT", timedelta(0)):
                assert orders_sweep()[0] == 1
            assert Order.objects.get(pk=order.pk).submission == Submission.UNKNOWN
        worker.join(10)
        assert answered == [Submission.SENT]
        order.submission = Submission.SENT
        order.provider_order_id = Order.objects.get(pk=order.pk).provider_order_id
        assert self.snapshot(order).link == order.link

    @precondition(lambda self: self.queued_due())
    @rule(index=st.integers(0, 1000))
    def order_is_accepted(self, index: int) -> None:
        self.order_is_sent(index, "order id")

    @precondition(lambda self: self.where(submission=Submission.QUEUED, due=False))
    @rule(index=st.integers(0, 1000))
    def back_offs_run_out(self, index: int) -> None:
        waiting = self.where(submission=Submission.QUEUED, due=False)
        self.with_faults()
        assert order_submit(order_id=pick(waiting, index).pk) is None  # not before its time
        Order.objects.filter(pk__in=[o.pk for o in waiting]).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        for order in waiting:
            order.due = True

    # -- the provider's side -------------------------------------------------------------------

    @precondition(lambda self: self.where(submission=Submission.SENT))
    @rule(
        index=st.integers(0, 1000),
        outcome=st.sampled_from([OrderStatus.COMPLETED, OrderStatus.PARTIAL, OrderStatus.CANCELED]),
        share=st.sampled_from([0.0, 0.001, 0.3, 0.5, 0.999, 1.0]),
    )
    def provider_finishes(self, index: int, outcome: OrderStatus, share: float) -> None:
        order = pick(self.where(submission=Submission.SENT), index)
        if self.snapshot(order).status in FINAL_STATUSES:
            return
        # Partial with nothing or everything undelivered is odd, and must still add up.
        remains = round(order.quantity * share) if outcome == OrderStatus.PARTIAL else None
        self.sim.force_status(order.provider_order_id, outcome, remains=remains)

    @rule(seconds=st.sampled_from([1, 5, 30, 120]))
    def provider_time_passes(self, seconds: int) -> None:
        self.sim.advance(seconds)

    # -- polling -------------------------------------------------------------------------------

    @rule(how=st.sampled_from(POLLS))
    def poll(self, how: str) -> None:
        """A poll round; the provider answers plainly or misbehaves as `how` says."""
        expecting = self.open_sent()
        if how in ("plainly", "spelled as in the wild"):
            self.with_faults(status_variants=1.0 if how != "plainly" else 0.0)
            report = orders_poll(provider=self.provider)
            assert report is not None and report.failed_calls == 0
            for order in expecting:
                self.settle_from_provider(order)
        elif how == "contradicting itself":
            # A final order at the provider is answered "In progress", "Pending", "Unknown" or "".
            self.with_faults(contradictions=1.0)
            orders_poll(provider=self.provider)
            rows = {row.pk: row for row in Order.objects.filter(pk__in=[o.pk for o in expecting])}
            for order in expecting:
                if self.snapshot(order).status not in FINAL_STATUSES:
                    self.settle_from_provider(order)
                    continue
                row = rows[order.pk]
                assert row.status in (order.status, OrderStatus.PENDING, OrderStatus.IN_PROGRESS)
                if row.unknown_polls == 0:  # a readable, contradicting answer
                    order.unknown_polls, order.status = 0, row.status
                else:
                    self.no_news(order)
        elif how == "Incorrect order ID for each":
            self.with_faults(incorrect_order_id=1.0)
            orders_poll(provider=self.provider)
            for order in expecting:
                self.no_news(order)
        else:  # no usable answer at all
            self.with_faults(**{how: 1.0})
            report = orders_poll(provider=self.provider)
            assert report is not None and report.failed_calls == (1 if expecting else 0)

    # -- cancels and refills -----------------------------------------------------------------

    @precondition(lambda self: self.orders)
    @rule(index=st.integers(0, 1000))
    def customer_cancels(self, index: int) -> None:
        order = pick(list(self.orders.values()), index)
        customer = User.objects.get(pk=order.customer)
        if not order.cancelable:
            with pytest.raises(OrderRefused, match=CANCEL_DISABLED):
                order_request_cancel(customer=customer, order_id=order.pk)
            return
        can_cancel = not order.final and (
            order.submission == Submission.QUEUED
            or (order.submission == Submission.SENT and order.cancel_state == CancelState.NONE)
        )
        if not can_cancel:
            with pytest.raises(OrderRefused):
                order_request_cancel(customer=customer, order_id=order.pk)
            return
        order_request_cancel(customer=customer, order_id=order.pk)
        if order.submission == Submission.QUEUED:
            order.submission, order.status = Submission.REJECTED, OrderStatus.CANCELED
            self.refund(order, order.charge - order.refunded)
        else:
            order.cancel_state = CancelState.REQUESTED

    @rule()
    def cancels_are_forwarded(self) -> None:
        self.with_faults()
        requested = self.where(submission=Submission.SENT, cancel_state=CancelState.REQUESTED)
        finished = {o.pk for o in requested if self.snapshot(o).status in FINAL_STATUSES}
        cancels_send()
        for order in requested:
            order.cancel_state = CancelState.REFUSED if order.pk in finished else CancelState.SENT

    @precondition(lambda self: self.orders)
    @rule(index=st.integers(0, 1000))
    def customer_asks_for_a_refill(self, index: int) -> None:
        order = pick(list(self.orders.values()), index)
        customer = User.objects.get(pk=order.customer)
        if not order.refillable:
            with pytest.raises(OrderRefused, match=REFILL_DISABLED):
                order_request_refill(customer=customer, order_id=order.pk)
            return
        refillable = (
            order.status in (OrderStatus.COMPLETED, OrderStatus.PARTIAL)
            and order.submission == Submission.SENT
            and not order.refill_open
        )
        if not refillable:
            with pytest.raises(OrderRefused):
                order_request_refill(customer=customer, order_id=order.pk)
            return
        order_request_refill(customer=customer, order_id=order.pk)
        order.refill_open, order.refills = True, order.refills + 1

    @rule()
    def refills_are_forwarded_and_polled(self) -> None:
        self.with_faults()
        refills_send()
        refills_poll()
        for order in self.where(refill_open=True):
            latest = Refill.objects.filter(order_id=order.pk).order_by("-pk").first()
            order.refill_open = latest.status not in FINAL_REFILL_STATUSES

    # -- staff ---------------------------------------------------------------------------------

    @precondition(lambda self: self.orders)
    @rule(index=st.integers(0, 1000))
    def staff_cancel_and_refund(self, index: int) -> None:
        order = pick(list(self.orders.values()), index)
        if order.final:
            with pytest.raises(OrderRefused):
                order_cancel_and_refund(order_id=order.pk, actor=None, reason="customer complained")
            return
        order_cancel_and_refund(order_id=order.pk, actor=None, reason="customer complained")
        if order.submission in (Submission.QUEUED, Submission.UNKNOWN):
            order.submission = Submission.REJECTED
        elif order.cancelable and order.cancel_state == CancelState.NONE:
            order.cancel_state = CancelState.REQUESTED
        order.status, order.flagged = OrderStatus.CANCELED, False
        self.refund(order, order.charge - order.refunded)

    @precondition(lambda self: self.where(submission=Submission.UNKNOWN))
    @rule(index=st.integers(0, 1000))
    def staff_resolve_an_unknown_order(self, index: int) -> None:
        """Staff look the order up at the provider: found, they attach its id; not, they send it again."""
        order = pick(self.where(submission=Submission.UNKNOWN), index)
        found = [s for s in self.sim.orders() if s.link == order.link]
        assert len(found) == (1 if order.at_provider else 0)
        if found:
            order_attach_provider_id(order_id=order.pk, provider_order_id=found[0].order_id, actor=None)
            order.submission, order.provider_order_id = Submission.SENT, found[0].order_id
        else:
            order_resend(order_id=order.pk, actor=None)
            order.submission, order.due = Submission.QUEUED, True
        order.flagged = False

    # -- after every step ----------------------------------------------------------------------

    @invariant()
    def the_database_matches_the_model(self) -> None:
        ids = list(self.balances)
        for customer_id, expected in self.balances.items():
            balance = Balance.objects.filter(customer_id=customer_id).values_list("amount", flat=True)
            got = balance.first() or 0
            assert got == expected, f"customer {customer_id}: balance {got}, expected {expected}"
        rows = {row.pk: row for row in Order.objects.filter(customer_id__in=ids)}
        assert sorted(rows) == sorted(self.orders)
        for pk, order in self.orders.items():
            row = rows[pk]
            got = (row.charge, row.refunded, row.status, row.submission, row.cancel_state, row.flagged)
            want = (
                order.charge,
                order.refunded,
                order.status,
                order.submission,
                order.cancel_state,
                order.flagged,
            )
            what = "(charge, refunded, status, submission, cancel_state, flagged)"
            assert got == want, f"order {pk}: {what} {got} != {want}"
            assert row.unknown_polls == order.unknown_polls, f"order {pk}"
            if order.provider_order_id is not None:
                assert row.provider_order_id == order.provider_order_id, f"order {pk}"
            assert Refill.objects.filter(order_id=pk).count() == order.refills

    @invariant()
    def the_books_balance(self) -> None:
        assert ledger_audit() == []

    @invariant()
    def no_order_was_bought_twice(self) -> None:
        ours = {order.link for order in self.orders.values()}
        placed = Counter(s.link for s in self.sim.orders() if s.link in ours)
        assert all(count == 1 for count in placed.values()), placed


@pytest.fixture
def world(make_simulator, settings_fixture) -> World:
    simulator = make_simulator(seed=8, time_scale=0, partial_share=0.2, cancel_share=0.1)
    provider = provider_for(simulator)
    services = {name: service_named(provider, name) for name in (CANCELABLE, PLAIN)}
    return World(simulator, provider, services)


@pytest.fixture
def settings_fixture(settings):
    # The panel's client, made on first use in this process, waits this long for an answer.
    settings.PROVIDER_READ_TIMEOUT = READ_TIMEOUT
    settings.PROVIDER_CONNECT_TIMEOUT = Decimal("1")
    return settings


@pytest.fixture
def no_task_queue(monkeypatch):
    # Placing queues a submit task on commit; here the rules decide when an order is sent.
    from orders.tasks import submit_order

    monkeypatch.setattr(submit_order, "delay", lambda *args, **kwargs: None)


def run_machine(world: World, **config) -> None:
    ENDINGS.clear()
    machine = type("OrdersAndMoneyMachine", (OrdersAndMoney,), {"world": world})
    run_state_machine_as_test(
        machine,
        settings=settings(
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            **config,
        ),
    )
    print(f"\norders at the end of the examples: {dict(ENDINGS)}")


@pytest.mark.django_db(transaction=True)
def test_orders_and_money_match_the_model_after_every_step(world, no_task_queue):
    run_machine(world, max_examples=25, stateful_step_count=40)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.django_db(transaction=True)
def test_orders_and_money_match_the_model_over_many_long_runs(world, no_task_queue):
    run_machine(world, max_examples=300, stateful_step_count=50)
