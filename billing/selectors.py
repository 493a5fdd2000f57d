"""Reads of money, for pages and the API; they never lock or write."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncDate

from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import ZERO


def balance_amount(*, customer_id: int) -> Decimal:
    """The customer's balance in the panel's currency; 0 when they never had money with us."""
    amount = Balance.objects.filter(customer_id=customer_id).values_list("amount", flat=True).first()
    return ZERO if amount is None else amount


@dataclass(frozen=True)
class Funds:
    """A customer's balance, and the debt a reversed payment left (orders are refused while > 0)."""

    amount: Decimal
    debt: Decimal


def balance_funds(*, customer_id: int) -> Funds:
    """The customer's balance and debt in one read; both 0 when they never had money with us."""
    row = Balance.objects.filter(customer_id=customer_id).values_list("amount", "debt").first()
    return Funds(ZERO, ZERO) if row is None else Funds(*row)


def ledger_entries(*, customer_id: int, kind: EntryKind | None = None) -> QuerySet[LedgerEntry]:
    """The customer's ledger entries, newest first (the index ledger_customer_recent), of `kind` only
    when given: the transactions page and the REST API's transactions."""
    entries = LedgerEntry.objects.filter(customer_id=customer_id).order_by("-id")
    return entries.filter(kind=kind) if kind is not None else entries


# Charges are negative entries, refunds positive: their sum, negated, is what orders earned.
_ORDER_MONEY = (EntryKind.CHARGE, EntryKind.REFUND)


def spent_on_orders(*, customer_id: int) -> Decimal:
    """What the customer paid for orders: their charges less the refunds."""
    entries = LedgerEntry.objects.filter(customer_id=customer_id, kind__in=_ORDER_MONEY)
    return -(entries.aggregate(total=Sum("amount"))["total"] or ZERO)


def revenue_days(*, since: datetime.datetime) -> QuerySet:
    """Charges less refunds of every customer, by day (the current time zone's) from `since`: rows
    of `day` and `total` (what orders earned that day; negative when refunds outweigh charges)."""
    entries = LedgerEntry.objects.filter(kind__in=_ORDER_MONEY, created_at__gte=since)
    days = entries.annotate(day=TruncDate("created_at")).values("day")
    return days.annotate(total=-Sum("amount")).order_by()


def revenue_by_day(*, since: datetime.datetime) -> dict[datetime.date, Decimal]:
    """revenue_days as {day: total}."""
    return {row["day"]: row["total"] for row in revenue_days(since=since)}
