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
from payments.models import CREDITED_STATES, Payment

_BALANCE = connection.ops.quote_name(Balance._meta.db_table)
_LEDGER = connection.ops.quote_name(LedgerEntry._meta.db_table)
_ORDER = connection.ops.quote_name(Order._meta.db_table)
_PAYMENT = connection.ops.quote_name(Payment._meta.db_table)


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
    SELECT customer_id, SUM(amount) AS total, SUM(debt_change) AS debt, COUNT(*) AS entries,
           MAX(id) AS last_id
    FROM {_LEDGER} GROUP BY customer_id
)
SELECT COALESCE(b.customer_id, s.customer_id), b.amount, COALESCE(s.total, 0), COALESCE(s.entries, 0),
       last.id, last.balance_after, b.debt, COALESCE(s.debt, 0)
FROM {_BALANCE} b
FULL OUTER JOIN sums s ON s.customer_id = b.customer_id
LEFT JOIN {_LEDGER} last ON last.id = s.last_id
WHERE COALESCE(b.amount, 0) <> COALESCE(s.total, 0)
   OR b.amount < 0
   OR last.balance_after <> COALESCE(b.amount, 0)
   OR COALESCE(b.debt, 0) <> COALESCE(s.debt, 0)
   OR b.debt < 0
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


# A gateway payment in a credited state (paid, refunded, disputed) has one deposit entry of its
# amount and, with a bonus, one bonus entry of it; any other payment has neither, nor reversals.
# What its reversals took back (from the balance or into debt) never exceeds what was credited.
_PAYMENTS_SQL = f"""
SELECT p.id, p.customer_id, p.state, p.amount, p.bonus, p.amount_reversed, p.bonus_reversed,
       COALESCE(e.deposits, 0), COALESCE(e.deposited, 0), COALESCE(e.bonuses, 0), COALESCE(e.bonused, 0),
       COALESCE(e.reversed, 0), COALESCE(e.bonus_reversed, 0),
       COALESCE(e.min_customer, p.customer_id), COALESCE(e.max_customer, p.customer_id)
FROM {_PAYMENT} p
LEFT JOIN (
    SELECT payment_id,
           COUNT(*) FILTER (WHERE kind = %(deposit)s) AS deposits,
           SUM(amount) FILTER (WHERE kind = %(deposit)s) AS deposited,
           COUNT(*) FILTER (WHERE kind = %(bonus)s) AS bonuses,
           SUM(amount) FILTER (WHERE kind = %(bonus)s) AS bonused,
           SUM(debt_change - amount) FILTER (WHERE kind = %(reversal)s) AS reversed,
           SUM(debt_change - amount) FILTER (WHERE kind = %(bonus_reversal)s) AS bonus_reversed,
           MIN(customer_id) AS min_customer, MAX(customer_id) AS max_customer
    FROM {_LEDGER} WHERE payment_id IS NOT NULL GROUP BY payment_id
) e ON e.payment_id = p.id
WHERE COALESCE(e.deposits, 0) <> CASE WHEN p.state = ANY(%(credited)s) THEN 1 ELSE 0 END
   OR COALESCE(e.deposited, 0) <> CASE WHEN p.state = ANY(%(credited)s) THEN p.amount ELSE 0 END
   OR COALESCE(e.bonuses, 0) <> CASE WHEN p.state = ANY(%(credited)s) AND p.bonus > 0 THEN 1 ELSE 0 END
   OR COALESCE(e.bonused, 0) <> CASE WHEN p.state = ANY(%(credited)s) THEN p.bonus ELSE 0 END
   OR COALESCE(e.reversed, 0) <> p.amount_reversed OR COALESCE(e.bonus_reversed, 0) <> p.bonus_reversed
   OR COALESCE(e.reversed, 0) > COALESCE(e.deposited, 0)
   OR COALESCE(e.bonus_reversed, 0) > COALESCE(e.bonused, 0)
   OR e.min_customer <> p.customer_id OR e.max_customer <> p.customer_id
ORDER BY p.id
"""  # noqa: S608


def _payment_problems(cursor) -> list[Problem]:
    cursor.execute(
        _PAYMENTS_SQL,
        {
            "deposit": EntryKind.DEPOSIT.value,
            "bonus": EntryKind.BONUS.value,
            "reversal": EntryKind.REVERSAL.value,
            "bonus_reversal": EntryKind.BONUS_REVERSAL.value,
            "credited": [state.value for state in CREDITED_STATES],
        },
    )
    problems = []
    for row in cursor.fetchall():
        (payment_id, customer_id, state, amount, bonus, amount_reversed, bonus_reversed, deposits,
         deposited, bonuses, bonused, reversed_, bonus_reversed_sum, low, high) = row  # fmt: skip
        credited = state in CREDITED_STATES

        def add(message: str, customer_id: int = customer_id, payment_id: int = payment_id) -> None:
            problems.append(Problem(f"payment {payment_id} {message}", customer_id))

        if deposits != (1 if credited else 0) or deposited != (amount if credited else 0):
            add(f"is {state} with {deposits} deposit entries summing to {deposited} (amount {amount})")
        if bonuses != (1 if credited and bonus > 0 else 0) or bonused != (bonus if credited else 0):
            add(f"is {state} with {bonuses} bonus entries summing to {bonused} (bonus {bonus})")
        if reversed_ != amount_reversed or bonus_reversed_sum != bonus_reversed:
            add(
                f"says {amount_reversed} and {bonus_reversed} of its bonus reversed, but its reversal "
                f"entries take back {reversed_} and {bonus_reversed_sum}"
            )
        if reversed_ > deposited:
            add(f"reversals ({reversed_}) exceed its deposit ({deposited})")
        if bonus_reversed_sum > bonused:
            add(f"bonus reversals ({bonus_reversed_sum}) exceed its bonus ({bonused})")
        if low != customer_id or high != customer_id:
            add("has ledger entries of another customer")
    return problems


def _balance_problems(cursor) -> list[Problem]:
    cursor.execute(_BALANCES_SQL)
    problems = []
    for customer_id, amount, total, entries, last_id, last_after, debt, debt_total in cursor.fetchall():
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
        if (debt or 0) != debt_total:
            problems.append(
                Problem(
                    f"debt is {debt or 0}, but its ledger entries' debt changes sum to {debt_total}",
                    customer_id,
                )
            )
        if debt is not None and debt < 0:
            problems.append(Problem(f"debt is negative: {debt}", customer_id))
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
    charge entry of -charge and at most one refund, equal to `refunded`, never above the charge;
    each debt equals the sum of its entries' debt changes and is not negative; each gateway payment
    is credited once, of its amount and bonus, only in a credited state, and never reversed by more.
    """
    with connection.cursor() as cursor:
        return (
            _balance_problems(cursor)
            + _running_problems(cursor)
            + _order_problems(cursor)
            + _payment_problems(cursor)
        )


def ledger_summary() -> LedgerSummary:
    """How many balances and entries there are, and the money customers hold with us."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {_BALANCE}), (SELECT COUNT(*) FROM {_LEDGER}), "  # noqa: S608
            f"(SELECT COALESCE(SUM(amount), 0) FROM {_BALANCE})"
        )
        customers, entries, total = cursor.fetchone()
    return LedgerSummary(customers=customers, entries=entries, total=total)
