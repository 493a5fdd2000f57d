"""Reads of payments for the customer's pages; they never lock or write."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from billing.models import Balance
from billing.money import ZERO
from payments.models import Payment


@dataclass(frozen=True)
class Funds:
    """The customer's balance, and the debt a reversed payment left (orders are refused while > 0)."""

    amount: Decimal
    debt: Decimal


def customer_funds(*, customer_id: int) -> Funds:
    row = Balance.objects.filter(customer_id=customer_id).values_list("amount", "debt").first()
    return Funds(ZERO, ZERO) if row is None else Funds(*row)


def customer_payments(*, customer_id: int) -> QuerySet[Payment]:
    """The customer's own payments, newest first (the index payment_customer_recent)."""
    return Payment.objects.filter(customer_id=customer_id).order_by("-id")
