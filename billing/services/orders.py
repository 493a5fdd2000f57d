"""Orders' money: a charge once, inside the order's own transaction; a refund at most once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, connection, transaction

from billing.models import Balance, EntryKind, LedgerEntry
from billing.services.base import (
    _BALANCE,
    _CHARGE_DEBIT,
    _LEDGER,
    _ONE_PER_ORDER,
    _ORDER,
    AlreadyCharged,
    BillingError,
    InsufficientFunds,
    OutstandingDebt,
    _add_to_column,
    _debit_params,
    _exact_amount,
    _positive_amount,
    _require_transaction,
    _system_reason,
    _violated_constraint,
)
from orders.models import Order
from panel.sql import insert_parts, mark_saved


def ledger_charge(*, order: Order) -> LedgerEntry:
    """Debit `order.charge` from the order's customer; returns the charge entry (amount negative).

    Must run inside the transaction that saves the order, so that an order exists if and only
    if it was paid for. Raises InsufficientFunds when the balance does not cover the charge,
    OutstandingDebt (an InsufficientFunds) when the customer owes a reversed payment,
    AlreadyCharged when the order has a charge entry, BillingError for a charge that is not
    positive. A refused charge moves nothing and leaves the caller's transaction usable.
    """
    _require_transaction("ledger_charge")
    if order.pk is None:
        raise BillingError("An order is charged after it is saved")
    value = _positive_amount(order.charge, what="A charge")
    entry = LedgerEntry(
        customer_id=order.customer_id, kind=EntryKind.CHARGE, amount=-value, order_id=order.pk
    )
    # The debit and the entry in one statement (order intake's hot path): the conditional
    # UPDATE of _debit, whose new balance the INSERT takes as balance_after; no balance row
    # covering the charge, no row returned, nothing written.
    columns, values, params = insert_parts(entry, sql={"balance_after": "debit.amount"})
    statement = (
        f"WITH debit AS ({_CHARGE_DEBIT}) "  # noqa: S608 (our tables)
        f"INSERT INTO {_LEDGER} ({columns}) SELECT {values} FROM debit RETURNING id, balance_after"
    )
    try:
        # A savepoint: should the entry break a constraint (a second charge), the debit rolls
        # back with it and the caller's transaction stays usable.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [*_debit_params(order.customer_id, value), *params])
                row = cursor.fetchone()
            if row is None:
                raise _refusal(order.customer_id)
    except IntegrityError as error:
        if _violated_constraint(error) == _ONE_PER_ORDER:
            raise AlreadyCharged(f"Order {order.pk} is charged already") from error
        raise
    mark_saved(entry, row[0])
    entry.balance_after = row[1]
    return entry


def _refusal(customer_id: int) -> InsufficientFunds:
    """Why a charge found no balance row to debit: a debt, or too little money (a second read,
    only on this rare path, so that the charge itself stays one statement)."""
    debt = Balance.objects.filter(customer_id=customer_id).values_list("debt", flat=True).first()
    return OutstandingDebt(debt) if debt else InsufficientFunds()


def _refundable(kinds: set[str], order_id: int, value: Decimal, charge: Decimal, refunded: Decimal) -> bool:
    """False when the order has its refund already; raises when this refund may not happen."""
    if EntryKind.REFUND in kinds:
        return False
    if EntryKind.CHARGE not in kinds:
        raise BillingError(f"Order {order_id} was never charged, so nothing can be refunded")
    if value > charge - refunded:
        raise BillingError(
            f"A refund of {value} exceeds the {charge - refunded} left to refund of order {order_id}"
        )
    return True


def ledger_refund(*, order: Order, amount: Decimal, reason: str) -> LedgerEntry | None:
    """Credit `amount` of the order's charge back to its customer, at most once per order.

    `amount` is already rounded by the caller (money.refund_for); one with more than 5 decimal
    places, a negative one, one above what is left of the charge, or a refund of an order that
    was never charged raises BillingError.
    Returns the refund entry, or None when nothing moved: `amount` is 0 or the order already
    has its refund. Updates `order.refunded`, in the database and on `order`, in the same
    transaction as the entry and the balance. ledger_refund_many of one order: one refund path.
    """
    with transaction.atomic():
        entries = ledger_refund_many(refunds=[(order, amount, reason)])
    return entries[0] if entries else None


def ledger_refund_many(*, refunds: Sequence[tuple[Order, Decimal, str]]) -> list[LedgerEntry]:
    """`ledger_refund` for a chunk of (order, amount, reason), in a fixed number of queries.

    Must run inside the caller's transaction (order polling applies a chunk of up to 100
    answers in one). The order's row lock serialises refunds of one order, and is taken before
    the balance's, as everywhere. Amounts of 0, orders already refunded and repeats of an order in the
    chunk are skipped; any other refusal (see ledger_refund) raises BillingError before
    anything is written. Returns the refund entries written, in order id order; several for
    one customer carry successive `balance_after`s. Updates `refunded` of the orders in the
    database and on the Order objects passed.
    """
    _require_transaction("ledger_refund_many")
    wanted: dict[int, tuple[Decimal, str]] = {}
    objects: dict[int, list[Order]] = defaultdict(list)
    for order, amount, reason in refunds:
        value = _exact_amount(amount)
        if value < 0:
            raise BillingError(f"A refund must not be negative, not {value} (order {order.pk})")
        objects[order.pk].append(order)
        if value > 0 and order.pk not in wanted:
            wanted[order.pk] = (value, _system_reason(reason))
    if not wanted:
        return []

    # Orders first, in primary-key order (the caller usually holds these locks already).
    locked = list(
        Order.objects.select_for_update()
        .filter(pk__in=wanted)
        .order_by("pk")
        .values_list("pk", "customer_id", "charge", "refunded")
    )
    if len(locked) != len(wanted):
        missing = sorted(set(wanted) - {row[0] for row in locked})
        raise BillingError(f"Orders {missing} do not exist")
    # A separate statement after the locks, on purpose: its snapshot sees the refund of whoever
    # held a lock before us (a subquery in the locking SELECT would not).
    kinds: dict[int, set[str]] = defaultdict(set)
    for order_id, kind in (
        LedgerEntry.objects.filter(order_id__in=wanted, kind__in=[EntryKind.CHARGE, EntryKind.REFUND])
        .order_by()
        .values_list("order_id", "kind")
    ):
        kinds[order_id].add(kind)
    todo = [
        (order_id, customer_id, refunded)
        for order_id, customer_id, charge, refunded in locked
        if _refundable(kinds[order_id], order_id, wanted[order_id][0], charge, refunded)
    ]
    if not todo:
        return []

    # Then balances, in primary-key order. A charged customer always has a balance row.
    customer_ids = sorted({customer_id for _, customer_id, _ in todo})
    balances = dict(
        Balance.objects.select_for_update()
        .filter(customer_id__in=customer_ids)
        .order_by("pk")
        .values_list("customer_id", "amount")
    )
    if len(balances) != len(customer_ids):
        raise BillingError(f"Customers {sorted(set(customer_ids) - set(balances))} have no balance row")

    running = dict(balances)
    entries = []
    for order_id, customer_id, _ in todo:
        value, text = wanted[order_id]
        running[customer_id] += value
        entries.append(
            LedgerEntry(
                customer_id=customer_id,
                kind=EntryKind.REFUND,
                amount=value,
                balance_after=running[customer_id],
                order_id=order_id,
                reason=text,
            )
        )
    # If a write fails, the caller's transaction must not commit the others.
    with transaction.atomic(savepoint=False):
        LedgerEntry.objects.bulk_create(entries)
        _add_to_column(
            table=_BALANCE,
            key="customer_id",
            column="amount",
            deltas={
                customer_id: running[customer_id] - balances[customer_id] for customer_id in customer_ids
            },
        )
        _add_to_column(
            table=_ORDER,
            key="id",
            column="refunded",
            deltas={order_id: wanted[order_id][0] for order_id, _, _ in todo},
        )
    for order_id, _, refunded in todo:
        for order in objects[order_id]:
            order.refunded = refunded + wanted[order_id][0]
    return entries
