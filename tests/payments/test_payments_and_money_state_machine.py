"""Issue 16's stateful property test: random sequences of what customers, gateways and staff do to
payments and money, on real PostgreSQL, checked after every step against a model kept in memory.

Rules: customers start payments (some in a bonus tier) and pay them, the gateway confirms (the same
confirmation maybe several times), confirms another amount, refunds in part or in full, opens a
chargeback (and repeats it), forged copies arrive, customers place orders, staff deposit and write
debts off. After every step: each customer's balance and debt are the model's and the sums of their
ledger entries, never below 0; a debt is only ever left with an empty balance; each payment is
credited (its amount and bonus, once) exactly when the model says, flagged when it says, and
`ledger_audit()` is empty.

Two variants, one machine:
- `test_..._through_the_webhook`: every gateway event is a Stripe stand-in webhook delivered over
  HTTP to the live server, so the real signature check, the view and Stripe's own event shapes
  (refund and dispute events tied back to their session by asking the stand-in) are in every
  step; forged and unsigned copies are among the rules. The most faithful, and the slowest per step
  (a few HTTP round trips), so it runs fewer, shorter examples.
- `test_..._applied_directly`: the same rules, the events handed to `payment_event_apply` as
  GatewayEvents. No HTTP, so more and longer examples in the same time, and it can say what a
  real gateway rarely does but a panel must survive: refunds before the confirmation, refund
  events arriving out of order (a smaller cumulative total after a larger one), a confirmation in
  another currency.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db.models import Sum
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
from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import AMOUNT_QUANTUM
from billing.services import ledger_deposit, ledger_write_off_debt
from catalog.models import Service
from orders.errors import NOT_ENOUGH_FUNDS, OUTSTANDING_DEBT, OrderRefused
from orders.services.placing import order_place
from panel.models import User
from payments.gateways.base import EventKind, GatewayEvent
from payments.models import CREDITED_STATES, BonusTier, Payment, PaymentState
from payments.services import payment_event_apply
from tests.payments.gateway_flows import StripeFlow, cents

ZERO = Decimal(0)
AMOUNTS = ["5.00", "12.34", "19.99", "20.00", "33.33", "75.00"]
TIER = (Decimal(20), Decimal(10))  # from 20 up, 10 % more
_links = itertools.count(1)
_events = itertools.count(1)
_emails = itertools.count(1)
SEEN: Counter[str] = Counter()  # what the examples came to, printed with -s (that the paths are taken)


def share(value: Decimal, taken_back: Decimal, paid: Decimal) -> Decimal:
    """The part of `value` a reversal of `taken_back` of `paid` stands for (the issue's rule: the
    deposit and its bonus go back in the proportion the gateway took back, all of them in full)."""
    if taken_back >= paid:
        return value
    return min(value, (value * taken_back / paid).quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP))


@dataclass
class Expected:
    """What the panel must say about one payment."""

    pk: int
    customer: int
    amount: Decimal
    bonus: Decimal
    gateway_id: str
    completed: bool = False  # the gateway has its charge (refunds and disputes are possible)
    credited: bool = False
    refunded: Decimal = ZERO  # the gateway's cumulative refunds, as the panel must have recorded them
    disputed: Decimal = ZERO
    reversed: Decimal = ZERO  # what the panel took back of the deposit and the bonus, in all
    flagged: bool = False
    state: str = PaymentState.CREATED
    sent: list[Any] = field(default_factory=list)  # every genuine event delivered, for replays


@dataclass
class Money:
    balance: Decimal = ZERO
    debt: Decimal = ZERO

    def credit(self, value: Decimal) -> None:
        """A deposit: it pays the debt first."""
        self.balance += value
        paid = min(self.balance, self.debt)
        self.balance -= paid
        self.debt -= paid

    def take_back(self, value: Decimal) -> Decimal:
        """A reversal: from the balance as far as it goes, the rest owed; returns the debt added."""
        taken = min(self.balance, value)
        self.balance -= taken
        self.debt += value - taken
        return value - taken


@dataclass
class World:
    """What the test gives the machine."""

    stripe: StripeFlow
    service: Service
    staff: User


class PaymentsAndMoney(RuleBasedStateMachine):
    world: World
    through_webhook: bool  # the variant: stand-in webhooks over HTTP, or GatewayEvents applied

    # -- set-up ----------------------------------------------------------------------------------

    @initialize()
    def fresh_customers(self) -> None:
        self.customers = [
            User.objects.create_user(email=f"machine{next(_emails)}@example.com", password="pw-12345-abc")
            for _ in range(2)
        ]
        self.money = {customer.pk: Money() for customer in self.customers}
        self.payments: dict[int, Expected] = {}

    def teardown(self) -> None:
        for payment in getattr(self, "payments", {}).values():
            SEEN["payments credited" if payment.credited else "payments never credited"] += 1
            SEEN["payments flagged"] += payment.flagged
            SEEN["payments taken back in part"] += 0 < payment.reversed < payment.amount + payment.bonus
            SEEN["payments taken back in full"] += payment.reversed == payment.amount + payment.bonus > 0
        for money in getattr(self, "money", {}).values():
            SEEN["customers ending in debt"] += money.debt > 0

    # -- helpers -----------------------------------------------------------------------------------

    def pick(self, index: int, **conditions) -> Expected | None:
        found = [p for p in self.payments.values() if all(getattr(p, k) == v for k, v in conditions.items())]
        return found[index % len(found)] if found else None

    def row(self, payment: Expected) -> Payment:
        return Payment.objects.get(pk=payment.pk)

    def send(self, payment: Expected, event: Any) -> None:
        """A genuine gateway event reaches the panel (the panel answers 200: applied or not)."""
        if self.through_webhook:
            assert self.world.stripe.deliver(event) == 200
        else:
            payment_event_apply(gateway_code="stripe", event=event, source="webhook")
        payment.sent.append(event)

    def event(self, payment: Expected, kind: EventKind, **fields) -> GatewayEvent:
        return GatewayEvent(
            event_id=f"evt_machine_{next(_events)}",
            kind=kind,
            gateway_payment_id=payment.gateway_id,
            panel_payment_id=payment.pk,
            currency=fields.pop("currency", "USD"),
            **fields,
        )

    def reverse(self, payment: Expected) -> None:
        """The model of what a refund or chargeback does to a credited payment's money."""
        if not payment.credited:
            return
        taken_back = min(payment.amount, payment.refunded + payment.disputed)
        target = share(payment.amount, taken_back, payment.amount) + share(
            payment.bonus, taken_back, payment.amount
        )
        if target > payment.reversed:
            if self.money[payment.customer].take_back(target - payment.reversed) > 0:
                payment.flagged = True
                SEEN["reversals into debt"] += 1
            payment.reversed = target

    def credit(self, payment: Expected) -> None:
        if payment.credited:
            return
        payment.credited = True
        payment.state = PaymentState.PAID
        if payment.refunded or payment.disputed:  # what was taken back before: the payment says so
            payment.state = PaymentState.DISPUTED if payment.disputed else PaymentState.REFUNDED
        self.money[payment.customer].credit(payment.amount + payment.bonus)
        SEEN["confirmed after a refund or dispute"] += bool(payment.refunded or payment.disputed)
        self.reverse(payment)  # refunds or disputes that arrived before the confirmation

    # -- payments ------------------------------------------------------------------------------------

    @rule(who=st.integers(0, 1), amount=st.sampled_from(AMOUNTS), pays=st.integers(0, 3))
    def customer_starts_a_payment(self, who: int, amount: str, pays: int) -> None:
        """A payment made at the gateway; most often paid right away (its confirmation `pays` times)."""
        customer = self.customers[who]
        made = self.world.stripe.start(customer, amount)
        value = Decimal(amount)
        bonus = (value * TIER[1] / 100).quantize(AMOUNT_QUANTUM) if value >= TIER[0] else ZERO
        assert (made.amount, made.bonus, made.pay_amount) == (value, bonus, value)
        self.payments[made.pk] = Expected(made.pk, customer.pk, value, bonus, made.gateway_payment_id)
        if pays:
            self.confirm(self.payments[made.pk], copies=pays)

    def confirm(self, payment: Expected, *, copies: int) -> None:
        if self.through_webhook:
            event = self.world.stripe.standin.complete(payment.gateway_id)
        else:
            event = self.event(payment, EventKind.PAID, amount=payment.amount)
        for _ in range(copies):
            self.send(payment, event)
        payment.completed = True
        self.credit(payment)

    @precondition(lambda self: self.pick(0, credited=False))
    @rule(index=st.integers(0, 100), copies=st.integers(1, 3))
    def customer_pays(self, index: int, copies: int) -> None:
        """The gateway confirms the payment; its confirmation arrives `copies` times."""
        self.confirm(self.pick(index, credited=False), copies=copies)

    @precondition(lambda self: self.pick(0, credited=False))
    @rule(index=st.integers(0, 100), how=st.sampled_from(["a cent less", "a cent more", "in EUR"]))
    def gateway_confirms_something_else(self, index: int, how: str) -> None:
        """A confirmation of another amount (or currency): refused, flagged, nothing credited."""
        payment = self.pick(index, credited=False)
        cent = Decimal("0.01") * (-1 if how == "a cent less" else 1 if how == "a cent more" else 0)
        if self.through_webhook:
            if how == "in EUR":
                return  # the stand-in's session is in the panel's currency
            event = self.world.stripe.standin.complete(
                payment.gateway_id, amount_total=cents(payment.amount + cent)
            )
        else:
            currency = "EUR" if how == "in EUR" else "USD"
            event = self.event(payment, EventKind.PAID, amount=payment.amount + cent, currency=currency)
        self.send(payment, event)
        payment.completed = True
        payment.flagged = True

    @precondition(lambda self: self.pick(0, completed=True))
    @rule(index=st.integers(0, 100), part=st.integers(1, 100), whole=st.booleans())
    def merchant_refunds(self, index: int, part: int, whole: bool) -> None:
        """A refund at the gateway of `part` % of what is left (or all of it)."""
        payment = self.pick(index, completed=True)
        left = payment.amount - payment.refunded
        if left <= 0:
            return
        value = left if whole else max(Decimal("0.01"), (left * part / 100).quantize(Decimal("0.01")))
        payment.refunded += value
        if payment.credited:
            payment.state = PaymentState.REFUNDED
        if self.through_webhook:
            event = self.world.stripe.standin.refund(payment.gateway_id, cents(value))
        else:
            event = self.event(payment, EventKind.REFUNDED, amount=payment.refunded, reversal_id="re_1")
        self.send(payment, event)
        self.reverse(payment)

    @precondition(lambda self: self.pick(0, completed=True))
    @rule(index=st.integers(0, 100))
    def chargeback_opens(self, index: int) -> None:
        """A chargeback of the whole payment; a second one of the same charge is the same dispute."""
        payment = self.pick(index, completed=True)
        if self.through_webhook:
            event = self.world.stripe.standin.dispute(payment.gateway_id)
        else:
            event = self.event(
                payment, EventKind.DISPUTED, amount=payment.amount, reversal_id=f"dp_{payment.pk}"
            )
        self.send(payment, event)
        if payment.credited and not payment.disputed:  # a repeat of the same dispute changes nothing
            payment.state = PaymentState.DISPUTED
        payment.disputed = payment.amount
        self.reverse(payment)

    @precondition(lambda self: any(p.sent for p in self.payments.values()))
    @rule(index=st.integers(0, 100), which=st.integers(0, 100))
    def an_old_event_is_replayed(self, index: int, which: int) -> None:
        """Any genuine event delivered before arrives again: nothing changes."""
        payment = self.pick(index, completed=True)
        if payment is None or not payment.sent:
            return
        event = payment.sent[which % len(payment.sent)]
        if self.through_webhook:
            assert self.world.stripe.deliver(event) == 200
        else:
            assert payment_event_apply(gateway_code="stripe", event=event, source="webhook") is None

    @precondition(lambda self: not self.through_webhook and self.pick(0, completed=True))
    @rule(index=st.integers(0, 100), back=st.integers(1, 100))
    def a_refund_arrives_out_of_order(self, index: int, back: int) -> None:
        """A refund event (a new one) whose cumulative total is below what was recorded: the gateway's
        older news, arriving late. Nothing more is taken back."""
        payment = self.pick(index, completed=True)
        if payment.refunded <= 0:
            return
        stale = (payment.refunded * back / 100).quantize(Decimal("0.01"))
        self.send(payment, self.event(payment, EventKind.REFUNDED, amount=stale, reversal_id="re_0"))

    @precondition(lambda self: not self.through_webhook and self.payments)
    @rule(index=st.integers(0, 100), part=st.integers(1, 100))
    def a_refund_before_the_confirmation(self, index: int, part: int) -> None:
        """The gateway reports a refund of a payment the panel has not seen confirmed yet: recorded,
        nothing moves; the confirmation, when it comes, credits and takes the refund back at once."""
        payment = self.pick(index, credited=False)
        if payment is None:
            return
        value = (payment.amount * part / 100).quantize(Decimal("0.01"))
        if value <= payment.refunded:
            return
        payment.refunded = value
        payment.completed = True
        self.send(payment, self.event(payment, EventKind.REFUNDED, amount=value, reversal_id="re_early"))

    @precondition(lambda self: self.pick(0, completed=False))
    @rule(index=st.integers(0, 100), part=st.integers(1, 100), whole=st.booleans())
    def a_refund_overtakes_the_confirmation(self, index: int, part: int, whole: bool) -> None:
        """The customer pays and the merchant refunds at once; the refund's webhook arrives first
        (webhooks are not delivered in order), then the confirmation."""
        payment = self.pick(index, completed=False)
        value = (
            payment.amount
            if whole
            else max(Decimal("0.01"), (payment.amount * part / 100).quantize(Decimal("0.01")))
        )
        if self.through_webhook:
            confirmation = self.world.stripe.standin.complete(payment.gateway_id)
            refund = self.world.stripe.standin.refund(payment.gateway_id, cents(value))
        else:
            confirmation = self.event(payment, EventKind.PAID, amount=payment.amount)
            refund = self.event(payment, EventKind.REFUNDED, amount=value, reversal_id="re_first")
        payment.completed = True
        self.send(payment, refund)
        payment.refunded = value
        self.send(payment, confirmation)
        self.credit(payment)

    @precondition(lambda self: self.through_webhook and self.pick(0, credited=False))
    @rule(index=st.integers(0, 100), unsigned=st.booleans())
    def a_forged_confirmation_arrives(self, index: int, unsigned: bool) -> None:
        """A confirmation not signed with the panel's secret (or not at all): 400, nothing recorded."""
        payment = self.pick(index, credited=False)
        stripe = self.world.stripe
        genuine = stripe.standin.complete(payment.gateway_id)  # what the forger copies
        bad = stripe.unsigned(genuine) if unsigned else stripe.forge(genuine)
        events = Payment.objects.get(pk=payment.pk).events.count()
        assert stripe.deliver(bad) == 400
        assert Payment.objects.get(pk=payment.pk).events.count() == events
        payment.completed = True  # the session is complete at the stand-in; its webhook was lost

    # -- orders and staff ------------------------------------------------------------------------------

    @rule(who=st.integers(0, 1), units=st.integers(1, 40), most=st.booleans())
    def customer_places_an_order(self, who: int, units: int, most: bool) -> None:
        """An order of `units` packs of the service's minimum, or (`most`) of about as many as the
        balance pays for: spent money is what makes a later refund leave a debt."""
        customer, money = self.customers[who], self.money[self.customers[who].pk]
        service = self.world.service
        if most:
            affordable = int(money.balance * 1000 / (service.rate * service.min_quantity))
            units = max(1, min(affordable, service.max_quantity // service.min_quantity))
        quantity = service.min_quantity * units
        charge = (service.rate * quantity / 1000).quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)
        params = {"link": f"https://instagram.com/p/paymachine{next(_links)}", "quantity": str(quantity)}
        if money.debt > 0 or charge > money.balance:
            with pytest.raises(OrderRefused) as refused:
                order_place(customer=customer, service_id=service.pk, params=params)
            SEEN["orders refused for a debt" if money.debt > 0 else "orders refused for funds"] += 1
            if money.debt > 0:
                assert refused.value.code == OUTSTANDING_DEBT and "debt" in refused.value.message
            else:
                assert refused.value.message == NOT_ENOUGH_FUNDS
            return
        order = order_place(customer=customer, service_id=service.pk, params=params)
        assert order.charge == charge
        money.balance -= charge
        SEEN["orders placed"] += 1

    @rule(who=st.integers(0, 1), amount=st.decimals("0.01", "60", places=2))
    def staff_deposit(self, who: int, amount: Decimal) -> None:
        customer = self.customers[who]
        ledger_deposit(customer=customer, amount=amount, created_by=self.world.staff, reason="bank transfer")
        self.money[customer.pk].credit(amount)

    @rule(who=st.integers(0, 1))
    def staff_write_off_the_debt(self, who: int) -> None:
        customer = self.customers[who]
        entry = ledger_write_off_debt(customer=customer, created_by=self.world.staff, reason="goodwill")
        assert (entry is not None) == (self.money[customer.pk].debt > 0)
        self.money[customer.pk].debt = ZERO

    # -- after every step ------------------------------------------------------------------------------

    @invariant()
    def balances_and_debts_are_the_models_and_their_ledgers(self) -> None:
        for customer_id, expected in self.money.items():
            row = Balance.objects.filter(customer_id=customer_id).values_list("amount", "debt").first()
            balance, debt = row or (ZERO, ZERO)
            assert (balance, debt) == (expected.balance, expected.debt), f"customer {customer_id}"
            sums = LedgerEntry.objects.filter(customer_id=customer_id).aggregate(
                amount=Sum("amount"), debt=Sum("debt_change")
            )
            assert (sums["amount"] or ZERO, sums["debt"] or ZERO) == (balance, debt)
            assert balance >= 0 and debt >= 0
            assert debt == 0 or balance == 0, "a debt left while the balance could have paid it"

    @invariant()
    def payments_are_credited_and_flagged_as_the_model_says(self) -> None:
        rows = {row.pk: row for row in Payment.objects.filter(pk__in=list(self.payments))}
        credits = dict(
            LedgerEntry.objects.filter(
                payment_id__in=list(self.payments), kind__in=[EntryKind.DEPOSIT, EntryKind.BONUS]
            )
            .values_list("payment_id")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for pk, expected in self.payments.items():
            row = rows[pk]
            assert row.state == expected.state, f"payment {pk}"
            assert (row.state in CREDITED_STATES) == expected.credited
            assert credits.get(pk, ZERO) == (expected.amount + expected.bonus if expected.credited else ZERO)
            assert row.flagged == expected.flagged, f"payment {pk}: {row.flag_reason}"
            assert row.refunded == expected.refunded, f"payment {pk}"

    @invariant()
    def the_books_balance(self) -> None:
        assert ledger_audit() == []


@pytest.fixture
def world(stripe_standin, live_server, default_service, django_user_model, monkeypatch) -> World:
    # Placing queues a submit task on commit; no order is sent here.
    from orders.tasks import submit_order

    monkeypatch.setattr(submit_order, "delay", lambda *args, **kwargs: None)
    BonusTier.objects.create(from_amount=TIER[0], percent=TIER[1])
    staff = django_user_model.objects.create_superuser(email="staff@example.com", password="pw-12345-abc")
    return World(StripeFlow(stripe_standin, live_server.url), default_service, staff)


def run_machine(world: World, *, through_webhook: bool, **config) -> None:
    SEEN.clear()
    machine = type(
        "PaymentsAndMoneyMachine", (PaymentsAndMoney,), {"world": world, "through_webhook": through_webhook}
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            **config,
        ),
    )
    print(f"\nwhat the examples came to: {dict(sorted(SEEN.items()))}")


# A failing run shrinks for up to Hypothesis' own five minutes: the timeout leaves it room to report.
@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_payments_and_money_match_the_model_through_the_webhook(world):
    run_machine(world, through_webhook=True, max_examples=10, stateful_step_count=25)


@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_payments_and_money_match_the_model_applied_directly(world):
    run_machine(world, through_webhook=False, max_examples=15, stateful_step_count=30)


@pytest.mark.slow
@pytest.mark.timeout(1200)
@pytest.mark.django_db(transaction=True)
def test_payments_and_money_match_the_model_over_many_long_runs(world):
    # About 0.1 s a step here: 1,500 steps through the webhook and 3,000 applied directly, some
    # 7 minutes of CI's budget (700 runs of 50 took some 50 minutes, over half of it).
    run_machine(world, through_webhook=True, max_examples=30, stateful_step_count=50)
    run_machine(world, through_webhook=False, max_examples=60, stateful_step_count=50)
