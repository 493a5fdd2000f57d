"""Reads of money, for pages and the API; they never lock or write."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import ZERO


def balance_amount(*, customer_id: int) -> Decimal:
    """The customer's balance in the panel's currency; 0 when they never had money with us."""
    amount = Balance.objects.filter(customer_id=customer_id).values_list("amount", flat=True).first()
    return ZERO if amount is None else amount


def ledger_entries(*, customer_id: int, kind: EntryKind | None = None) -> QuerySet[LedgerEntry]:
    """The customer's ledger entries, newest first (the index ledger_customer_recent), of `kind` only
    when given: the transactions page and the REST API's transactions."""
    entries = LedgerEntry.objects.filter(customer_id=customer_id).order_by("-id")
    return entries.filter(kind=kind) if kind is not None else entries
