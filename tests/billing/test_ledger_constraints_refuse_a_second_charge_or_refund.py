""" "Charged once, refunded at most once" is a database fact, not only a check in Python."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from billing.models import Balance, EntryKind, LedgerEntry
from tests.billing.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _insert(order, kind: str, amount: str, **fields) -> None:
    with transaction.atomic():
        LedgerEntry.objects.create(
            customer=order.customer,
            kind=kind,
            amount=Decimal(amount),
            balance_after=Decimal(0),
            order=order,
            **fields,
        )


def test_a_second_charge_entry_of_an_order_is_refused_by_the_database(funded_customer, charged_order):
    order = charged_order(funded_customer("10"), "3")
    with pytest.raises(IntegrityError, match="ledger_one_charge_one_refund_per_order"):
        _insert(order, EntryKind.CHARGE, "-3")


def test_a_second_refund_entry_of_an_order_is_refused_by_the_database(funded_customer, charged_order):
    order = charged_order(funded_customer("10"), "3")
    _insert(order, EntryKind.REFUND, "1")
    with pytest.raises(IntegrityError, match="ledger_one_charge_one_refund_per_order"):
        _insert(order, EntryKind.REFUND, "1")


@pytest.mark.parametrize(
    ("kind", "amount", "with_order"),
    [
        (EntryKind.CHARGE, "3", True),  # a charge is negative
        (EntryKind.CHARGE, "-3", False),  # ...and belongs to an order
        (EntryKind.REFUND, "-1", True),
        (EntryKind.REFUND, "1", False),
        (EntryKind.DEPOSIT, "0", False),
        (EntryKind.DEPOSIT, "-1", False),
        (EntryKind.ADJUSTMENT, "0", False),
    ],
)
def test_an_entry_whose_sign_does_not_match_its_kind_is_refused(
    funded_customer, service, kind, amount, with_order
):
    customer = funded_customer("10")
    order = OrderFactory(customer=customer, service=service) if with_order else None
    with pytest.raises(IntegrityError, match="ledger_amount_sign_matches_kind"), transaction.atomic():
        LedgerEntry.objects.create(
            customer=customer, kind=kind, amount=Decimal(amount), balance_after=Decimal(1), order=order
        )


def test_a_balance_can_never_be_negative(funded_customer):
    customer = funded_customer("10")
    with pytest.raises(IntegrityError, match="balance_never_negative"), transaction.atomic():
        Balance.objects.filter(customer=customer).update(amount=Decimal("-0.00001"))
