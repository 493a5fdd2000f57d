"""Random sequences of deposits, adjustments, charges and refunds keep the books sound.

A plain Python model of the balances runs beside the real services: every refusal must be the
one the model predicts, and after each sequence the audit is clean and each balance is the sum
of its ledger.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.audit import ledger_audit
from billing.models import LedgerEntry
from billing.money import refund_for
from billing.selectors import balance_amount
from billing.services import (
    InsufficientFunds,
    ledger_adjust,
    ledger_charge,
    ledger_deposit,
    ledger_refund,
    ledger_refund_many,
)
from tests.billing.factories import CustomerFactory, OrderFactory, ServiceFactory

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("0.00001"), max_value=Decimal("40"), places=5)
who = st.sampled_from([0, 1])
pick = st.integers(0, 50)  # which charged order, modulo how many there are
percent = st.integers(0, 100)  # how much of an order was not delivered

charges = st.tuples(st.just("charge"), who, amounts)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("deposit"), who, amounts),
        st.tuples(st.just("adjust"), who, amounts, st.booleans()),
        charges,
        charges,  # twice as likely: refunds need charged orders
        st.tuples(st.just("refund"), pick, percent),
        # A chunk covers the latest orders, as many as it has shares (and the first again, if `repeat`).
        st.tuples(
            st.just("refund_many"), st.lists(st.integers(1, 100), min_size=1, max_size=6), st.booleans()
        ),
    ),
    min_size=10,
    max_size=40,
)


def _run(steps, customers, service, expected: dict[int, Decimal]) -> None:
    orders = []
    for step in steps:
        kind = step[0]
        if kind == "deposit":
            _, i, value = step
            ledger_deposit(customer=customers[i], amount=value, created_by=None, reason="")
            expected[i] += value
        elif kind == "adjust":
            _, i, value, down = step
            signed = -value if down else value
            if expected[i] + signed < 0:
                with pytest.raises(InsufficientFunds):
                    ledger_adjust(customer=customers[i], amount=signed, created_by=None, reason="Correction")
            else:
                ledger_adjust(customer=customers[i], amount=signed, created_by=None, reason="Correction")
                expected[i] += signed
        elif kind == "charge":
            _, i, value = step
            with transaction.atomic():
                order = OrderFactory(customer=customers[i], service=service, quantity=100, charge=value)
                if expected[i] < value:
                    with pytest.raises(InsufficientFunds):
                        ledger_charge(order=order)
                    transaction.set_rollback(True)  # orders.place rolls the order back with it
                    continue
                ledger_charge(order=order)
            orders.append((i, order))
            expected[i] -= value
        elif kind == "refund" and orders:
            _, which, undelivered = step
            i, order = orders[which % len(orders)]
            already = order.refunded > 0
            value = refund_for(
                order.charge, undelivered=undelivered, ordered=100, already_refunded=order.refunded
            )
            entry = ledger_refund(order=order, amount=value, reason="Partial")
            assert (entry is None) == (already or value == 0)
            if entry:
                expected[i] += value
        elif kind == "refund_many" and orders:
            _, shares, repeat = step
            latest = orders[-len(shares) :]
            chunk = [
                (
                    i,
                    order,
                    refund_for(order.charge, undelivered=share, ordered=100, already_refunded=order.refunded),
                )
                for (i, order), share in zip(latest, shares, strict=False)
            ]
            chunk += chunk[:1] if repeat else []
            first_of_each = {}
            for i, order, value in chunk:
                if value > 0 and order.refunded == 0:
                    first_of_each.setdefault(order.pk, (i, value))
            entries = ledger_refund_many(refunds=[(order, value, "Partial") for _, order, value in chunk])
            assert sorted(e.order_id for e in entries) == sorted(first_of_each)
            for i, value in first_of_each.values():
                expected[i] += value


@settings(
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis folder in the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(funds=st.tuples(*[st.sampled_from([Decimal(0), Decimal(30), Decimal(1000)])] * 2), steps=operations)
def test_any_sequence_of_money_movements_keeps_the_audit_clean(funds, steps):
    with transaction.atomic():
        customers = [CustomerFactory(), CustomerFactory()]
        expected = {0: Decimal(0), 1: Decimal(0)}
        # Opening deposits, so that most charges go through and there are orders to refund.
        _run([("deposit", i, value) for i, value in enumerate(funds) if value], customers, None, expected)
        _run(steps, customers, ServiceFactory(), expected)
        assert ledger_audit() == []
        for i, customer in enumerate(customers):
            total = LedgerEntry.objects.filter(customer=customer).aggregate(total=Sum("amount"))["total"] or 0
            assert balance_amount(customer_id=customer.pk) == total == expected[i]
        transaction.set_rollback(True)  # each example starts from an empty ledger
