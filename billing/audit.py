"""The ledger audit: is every cent accounted for?

Each check is one aggregate statement, so it reads one consistent snapshot even while the panel
takes orders, and it stays fast on hundreds of thousands of orders (hash aggregates over the
ledger, no query per row).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from billing.models import Balance, EntryKind, LedgerEntry
from orders.models import Order

_BALANCE = connection.ops.quote_name(Balance._meta.db_table)
_LEDGER = connection.ops.quote_name(LedgerEntry._meta.db_table)
_ORDER = connection.ops.quote_name(Order._meta.db_table)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the books: whose (customer and/or order) and what."""

    message: str
    customer_id: int | None = None
    order_id: int | None = None

    def __str__(self) -> str:
        who = [f"customer {self.customer_id}"] if self.customer_id is not None else []
        who += [f"order {self.order_id}"] if self.order_id is not None else []
        return f"{', '.join(who)}: {self.message}" if who else self.message


@dataclass(frozen=True)
class LedgerSummary:
    customers: int  # balance rows
    entries: int
    total: Decimal  # the sum of all balances, panel currency


# A customer with entries but no balance row counts as a balance of 0; a balance row without
# entries must be 0. The latest entry is the one with the highest id: ids are drawn while the
# balance row is locked, so they follow the order in which the balance moved.
_BALANCES_SQL = f"""
WITH sums AS (
    SELECT customer_id, SUM(amount) AS total, COUNT(*) AS entries, MAX(id) AS last_id
    FROM {_LEDGER} GROUP BY customer_id
)
SELECT COALESCE(b.customer_id, s.customer_id), b.amount, COALESCE(s.total, 0), COALESCE(s.entries, 0),
       last.id, last.balance_after
FROM {_BALANCE} b
FULL OUTER JOIN sums s ON s.customer_id = b.customer_id
LEFT JOIN {_LEDGER} last ON last.id = s.last_id
WHERE COALESCE(b.amount, 0) <> COALESCE(s.total, 0)
   OR b.amount < 0
   OR last.balance_after <> COALESCE(b.amount, 0)
ORDER BY 1
"""  # noqa: S608

# The first entry of each customer whose balance_after is not the running sum up to it: an
# entry deleted, edited or inserted out of turn. Later entries of that customer would all
# differ too, so only the first is named.
_RUNNING_SQL = f"""
SELECT DISTINCT ON (customer_id) customer_id, id, order_id, balance_after, running
FROM (
    SELECT customer_id, id, order_id, balance_after,
           SUM(amount) OVER (PARTITION BY customer_id ORDER BY id) AS running
    FROM {_LEDGER}
) e
WHERE balance_after <> running
ORDER BY customer_id, id
"""  # noqa: S608

# An order with a charge of 0 has no charge entry (the ledger refuses an entry of 0); every
# other order has exactly one, of -charge. Its refund entries (at most one) sum to `refunded`.
_ORDERS_SQL = f"""
SELECT o.id, o.customer_id, o.charge, o.refunded,
       COALESCE(e.charges, 0), COALESCE(e.charged, 0), COALESCE(e.refunds, 0), COALESCE(e.refunded, 0),
       COALESCE(e.min_customer, o.customer_id), COALESCE(e.max_customer, o.customer_id)
FROM {_ORDER} o
LEFT JOIN (
    SELECT order_id,
           COUNT(*) FILTER (WHERE kind = %(charge)s) AS charges,
           SUM(amount) FILTER (WHERE kind = %(charge)s) AS charged,
           COUNT(*) FILTER (WHERE kind = %(refund)s) AS refunds,
           SUM(amount) FILTER (WHERE kind = %(refund)s) AS refunded,
           MIN(customer_id) AS min_customer, MAX(customer_id) AS max_customer
    FROM {_LEDGER} WHERE order_id IS NOT NULL GROUP BY order_id
) e ON e.order_id = o.id
WHERE COALESCE(e.charges, 0) <> CASE WHEN o.charge = 0 THEN 0 ELSE 1 END
   OR COALESCE(e.charged, 0) <> -o.charge
   OR COALESCE(e.refunds, 0) > 1
   OR COALESCE(e.refunded, 0) <> o.refunded
   OR COALESCE(e.refunded, 0) > -COALESCE(e.charged, 0)
   OR o.refunded > o.charge OR o.refunded < 0
   OR e.min_customer <> o.customer_id OR e.max_customer <> o.customer_id
ORDER BY o.id
"""  # noqa: S608


def _balance_problems(cursor) -> list[Problem]:
    cursor.execute(_BALANCES_SQL)
    problems = []
    for customer_id, amount, total, entries, last_id, last_after in cursor.fetchall():
        if amount is None:
            problems.append(
                Problem(f"no balance row, but its {entries} ledger entries sum to {total}", customer_id)
            )
        elif amount != total:
            problems.append(
                Problem(f"balance is {amount}, but its {entries} ledger entries sum to {total}", customer_id)
            )
        if amount is not None and amount < 0:
            problems.append(Problem(f"balance is negative: {amount}", customer_id))
        if last_after is not None and last_after != (amount or 0):
            problems.append(
                Problem(
                    f"the latest entry #{last_id} says balance_after {last_after}, the balance is {amount}",
                    customer_id,
                )
            )
    return problems


def _running_problems(cursor) -> list[Problem]:
    cursor.execute(_RUNNING_SQL)
    return [
        Problem(
            f"entry #{entry_id} says balance_after {after}, but the entries up to it sum to {running}",
            customer_id,
            order_id,
        )
        for customer_id, entry_id, order_id, after, running in cursor.fetchall()
    ]


def _order_problems(cursor) -> list[Problem]:
    cursor.execute(_ORDERS_SQL, {"charge": EntryKind.CHARGE.value, "refund": EntryKind.REFUND.value})
    problems = []
    for row in cursor.fetchall():
        order_id, customer_id, charge, refunded, charges, charged, refunds, refunds_sum, low, high = row

        def add(message: str, customer_id: int = customer_id, order_id: int = order_id) -> None:
            problems.append(Problem(message, customer_id, order_id))

        expected_charges = 0 if charge == 0 else 1
        if charges != expected_charges:
            add(f"has {charges} charge entries, expected {expected_charges}")
        if charged != -charge:
            add(f"charge is {charge}, but its charge entries sum to {charged}")
        if refunds > 1:
            add(f"has {refunds} refund entries, expected at most one")
        if refunds_sum != refunded:
            add(f"refunded is {refunded}, but its refund entries sum to {refunds_sum}")
        if refunds_sum > -charged:
            add(f"refunds ({refunds_sum}) exceed charges ({-charged})")
        if refunded > charge or refunded < 0:
            add(f"refunded {refunded} is outside 0..charge {charge}")
        if low != customer_id or high != customer_id:
            add("has ledger entries of another customer")
    return problems


def ledger_audit() -> list[Problem]:
    """Every way the books disagree with themselves; an empty list means they are sound.

    Checks: each balance equals the sum of its ledger entries and is not negative; each entry's
    `balance_after` is the running sum (so the latest equals the balance); each order has one
    charge entry of -charge and at most one refund, equal to `refunded`, never above the charge.
    """
    with connection.cursor() as cursor:
        return _balance_problems(cursor) + _running_problems(cursor) + _order_problems(cursor)


def ledger_summary() -> LedgerSummary:
    """How many balances and entries there are, and the money customers hold with us."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {_BALANCE}), (SELECT COUNT(*) FROM {_LEDGER}), "  # noqa: S608
            f"(SELECT COALESCE(SUM(amount), 0) FROM {_BALANCE})"
        )
        customers, entries, total = cursor.fetchone()
    return LedgerSummary(customers=customers, entries=entries, total=total)
