"""Real threads, each with its own database connection, racing on one balance or one order.

These tests commit (transaction=True): the race happens between transactions, in PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import transaction

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from billing.selectors import balance_amount
from billing.services import (
    AlreadyRecorded,
    InsufficientFunds,
    ledger_adjust,
    ledger_charge,
    ledger_refund,
    ledger_refund_many,
)
from orders.models import Order
from tests.billing.factories import OrderFactory
from tests.racing import race

pytestmark = pytest.mark.django_db(transaction=True)


def _race(jobs: list[Callable[[], str]]) -> Counter:
    """Counts what the jobs, raced in threads of their own, returned or raised."""
    return Counter(race(jobs, timeout=120))


def test_fifty_orders_racing_for_a_balance_that_covers_ten_charge_exactly_ten(funded_customer, service):
    customer = funded_customer("10")  # ten orders of 1.00000

    def place_an_order() -> str:
        try:
            # As orders.place does: the order and its charge in one transaction.
            with transaction.atomic():
                order = OrderFactory(customer=customer, service=service, charge=Decimal("1"))
                ledger_charge(order=order)
        except InsufficientFunds:
            return "refused"
        return "charged"

    assert _race([place_an_order] * 50) == Counter(charged=10, refused=40)
    assert balance_amount(customer_id=customer.pk) == 0
    assert Order.objects.count() == 10
    assert not LedgerEntry.objects.filter(balance_after__lt=0).exists()
    afters = sorted(LedgerEntry.objects.filter(kind=EntryKind.CHARGE).values_list("balance_after", flat=True))
    assert afters == [Decimal(n) for n in range(10)]  # each unit of the balance spent once
    assert ledger_audit() == []


def test_twenty_refunds_racing_on_one_order_refund_it_once(funded_customer, charged_order):
    customer = funded_customer("10")
    order = charged_order(customer, "4")

    def refund() -> str:
        mine = Order.objects.get(pk=order.pk)  # each caller with its own, equally stale, object
        entry = ledger_refund(order=mine, amount=Decimal("2"), reason="Partial")
        return "refunded" if entry else "skipped"

    assert _race([refund] * 20) == Counter(refunded=1, skipped=19)
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1
    assert balance_amount(customer_id=customer.pk) == Decimal(8)
    assert Order.objects.get(pk=order.pk).refunded == Decimal(2)
    assert ledger_audit() == []


def test_chunks_and_single_refunds_in_any_order_never_deadlock(funded_customer, charged_order):
    # Locks are taken in primary-key order whatever order the callers list them in, so
    # overlapping chunks cannot wait on each other in a circle (PostgreSQL would kill one).
    customers = [funded_customer("100") for _ in range(4)]
    orders = [charged_order(customers[i % 4], "3") for i in range(24)]

    def chunk(selection: list[Order]) -> Callable[[], str]:
        def job() -> str:
            with transaction.atomic():
                mine = list(Order.objects.filter(pk__in=[o.pk for o in selection]))
                mine.sort(key=lambda o: [s.pk for s in selection].index(o.pk))
                ledger_refund_many(refunds=[(o, Decimal("1"), "Partial") for o in mine])
            return "done"

        return job

    def single(order: Order) -> Callable[[], str]:
        return lambda: (ledger_refund(order=order, amount=Decimal("1"), reason="Partial"), "done")[1]

    jobs = [chunk(orders), chunk(orders[::-1]), chunk(orders[::2]), chunk(orders[1::2][::-1])]
    jobs += [single(order) for order in orders[::3]]
    assert _race(jobs) == Counter(done=len(jobs))
    assert LedgerEntry.objects.filter(kind=EntryKind.REFUND).count() == 24
    for customer in customers:
        assert balance_amount(customer_id=customer.pk) == Decimal(100 - 6 * 3 + 6)
    assert ledger_audit() == []


@pytest.mark.parametrize("amount", ["25", "-25"])
def test_one_staff_form_submitted_ten_times_at_once_is_recorded_once(funded_customer, amount):
    # A deposit, or a debit the balance covers once (the nine others then find it recorded).
    customer = funded_customer("30")
    token = uuid.uuid4()

    def submit() -> str:
        try:
            ledger_adjust(
                customer=customer,
                amount=Decimal(amount),
                created_by=None,
                reason="Wire 9",
                request_token=token,
            )
        except AlreadyRecorded:
            return "already recorded"
        return "recorded"

    assert _race([submit] * 10) == Counter({"recorded": 1, "already recorded": 9})
    assert LedgerEntry.objects.filter(request_token=token).count() == 1
    assert balance_amount(customer_id=customer.pk) == Decimal(30) + Decimal(amount)
    assert ledger_audit() == []
