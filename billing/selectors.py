"""Reads of money, for pages and the API; they never lock or write."""

from __future__ import annotations

from decimal import Decimal

from billing.models import Balance
from billing.money import ZERO


def balance_amount(*, customer_id: int) -> Decimal:
    """The customer's balance in the panel's currency; 0 when they never had money with us."""
    amount = Balance.objects.filter(customer_id=customer_id).values_list("amount", flat=True).first()
    return ZERO if amount is None else amount
