"""A gateway refund or chargeback after the money was spent: billing takes back as far as the
balance goes, records the rest as debt, refuses charges until a deposit settles it."""

from decimal import Decimal

import pytest
from django.db import transaction

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind
from billing.services import (
    AlreadyCredited,
    OutstandingDebt,
    ledger_adjust,
    ledger_deposit,
    ledger_payment_deposit,
    ledger_payment_reverse,
)
from tests.billing.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _reverse(payment, taken_back: str):
    with transaction.atomic():
        return ledger_payment_reverse(payment=payment, taken_back=Decimal(taken_back), reason="refunded")


def _books(customer) -> tuple[Decimal, Decimal]:
    balance = Balance.objects.get(customer=customer)
    return balance.amount, balance.debt


def test_a_full_reversal_after_spending_leaves_a_zero_balance_and_a_debt(paid_payment):
    customer = CustomerFactory()
    payment = paid_payment(customer, "10", bonus="1")
    ledger_adjust(customer=customer, amount=Decimal("-8"), created_by=None, reason="spent")
    reversal = _reverse(payment, "10")
    assert (reversal.taken, reversal.debt) == (Decimal("3"), Decimal("8"))
    assert _books(customer) == (Decimal("0"), Decimal("8"))
    kinds = [entry.kind for entry in reversal.entries]
    assert kinds == [EntryKind.REVERSAL, EntryKind.BONUS_REVERSAL]
    assert ledger_audit() == []


def test_reversals_are_cumulative_so_a_repeated_refund_takes_nothing_more(paid_payment):
    customer = CustomerFactory()
    payment = paid_payment(customer, "10")
    assert _reverse(payment, "4").taken == Decimal("4")
    assert _reverse(payment, "4").entries == []
    assert _reverse(payment, "10").taken == Decimal("6")
    assert _reverse(payment, "25").entries == []
    assert _books(customer) == (Decimal("0"), Decimal("0"))
    assert ledger_audit() == []


def test_a_charge_is_refused_with_the_debt_named_until_a_deposit_settles_it(paid_payment, charged_order):
    customer = CustomerFactory()
    payment = paid_payment(customer, "10")
    ledger_adjust(customer=customer, amount=Decimal("-10"), created_by=None, reason="spent")
    _reverse(payment, "10")
    ledger_deposit(customer=customer, amount=Decimal("4"), created_by=None, reason="part")
    assert _books(customer) == (Decimal("0"), Decimal("6"))
    with pytest.raises(OutstandingDebt, match="outstanding debt of"):
        charged_order(customer, "1")
    ledger_deposit(customer=customer, amount=Decimal("7"), created_by=None, reason="rest")
    assert _books(customer) == (Decimal("1"), Decimal("0"))
    charged_order(customer, "1")
    assert _books(customer) == (Decimal("0"), Decimal("0"))
    assert ledger_audit() == []


def test_a_payment_is_credited_once(paid_payment):
    customer = CustomerFactory()
    payment = paid_payment(customer, "10")
    with pytest.raises(AlreadyCredited), transaction.atomic():
        ledger_payment_deposit(payment=payment)
    assert _books(customer) == (Decimal("10"), Decimal("0"))
    assert ledger_audit() == []


def test_the_database_refuses_a_reversal_total_above_what_was_credited(paid_payment):
    from django.db import IntegrityError
    from django.db.models import F

    from payments.models import Payment

    payment = paid_payment(CustomerFactory(), "10", bonus="1")
    _reverse(payment, "10")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(
            amount_reversed=F("amount_reversed") + Decimal("0.00001")
        )
    assert Payment.objects.values_list("amount_reversed", "bonus_reversed").get(pk=payment.pk) == (
        Decimal("10"),
        Decimal("1"),
    )
    assert ledger_audit() == []
