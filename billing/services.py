"""The only code that moves money: customers' balances and their append-only ledger.

Every movement writes one ledger entry and changes one balance in the same transaction, and the
entry keeps the balance right after it (`balance_after`). Locks are always taken in the same
order, orders before balances and each in primary-key order, so two movements never wait on
each other in a circle.

Errors: `InsufficientFunds` may pass (after a deposit); every other `BillingError` is permanent,
the same call fails again. A refused call has moved nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import parse_amount
from orders.models import Order
from panel.sql import insert_parts, mark_saved, table

if TYPE_CHECKING:
    from panel.models import User

NOT_ENOUGH_FUNDS = "Not enough funds on balance"
REASON_MAX_LENGTH = cast(int, LedgerEntry._meta.get_field("reason").max_length)
_ONE_PER_ORDER = "ledger_one_charge_one_refund_per_order"
_ONE_PER_STAFF_FORM = "ledger_request_token_unique"


class BillingError(Exception):
    """A money movement was refused and nothing moved. Permanent unless a subclass says otherwise."""


class InsufficientFunds(BillingError):
    """The balance does not cover the debit. Not permanent: it may pass after a deposit."""

    def __init__(self, message: str = NOT_ENOUGH_FUNDS) -> None:
        super().__init__(message)


class AlreadyCharged(BillingError):
    """The order has its charge entry already; charging it again is a bug in the caller."""


class AlreadyRecorded(BillingError):
    """A staff form's request token was used already: `entry` is what that first submission made."""

    def __init__(self, entry: LedgerEntry) -> None:
        super().__init__(f"This was recorded already (ledger entry {entry.pk}); nothing was added")
        self.entry = entry


# --- Helpers --------------------------------------------------------------------------------


def _exact_amount(value: Decimal | int | str) -> Decimal:
    try:
        return parse_amount(value)
    except ValueError as error:
        raise BillingError(str(error)) from None


def _positive_amount(value: Decimal | int | str, *, what: str) -> Decimal:
    number = _exact_amount(value)
    if number <= 0:
        raise BillingError(f"{what} must be more than zero, not {number}")
    return number


def _clean_reason(reason: str | None, *, required: bool = False) -> str:
    """A person's reason, refused when it does not fit the ledger."""
    text = (reason or "").strip()
    if required and not text:
        raise BillingError("A reason is required")
    if len(text) > REASON_MAX_LENGTH:
        raise BillingError(f"The reason is longer than {REASON_MAX_LENGTH} characters")
    return text


def _system_reason(reason: str | None) -> str:
    """The panel's own reason (it may quote a provider's error of any length), cut to fit."""
    text = (reason or "").strip()
    return text if len(text) <= REASON_MAX_LENGTH else text[: REASON_MAX_LENGTH - 1] + "…"


def _require_transaction(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            f"{name} must run inside the caller's transaction (transaction.atomic)"
        )


def _violated_constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


_BALANCE = table(Balance)
_ORDER = table(Order)
_LEDGER = table(LedgerEntry)


def _credit(customer_id: int, value: Decimal) -> Decimal:
    """Add `value` to the balance, creating the row if needed; returns the new balance.

    One upsert: it creates the row or locks and updates it, so two first deposits of a
    customer cannot both insert.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_BALANCE} AS b (customer_id, amount, updated_at) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (customer_id) DO UPDATE "
            "SET amount = b.amount + EXCLUDED.amount, updated_at = EXCLUDED.updated_at "
            "RETURNING b.amount",
            [customer_id, value, timezone.now()],
        )
        return cursor.fetchone()[0]


# The one conditional debit (design: "one UPDATE ... WHERE balance >= x"): _debit runs it alone,
# ledger_charge as the CTE that feeds its entry. Its parameters come from _debit_params.
_DEBIT = (
    f"UPDATE {_BALANCE} SET amount = amount - %s, updated_at = %s "  # noqa: S608 (our table)
    "WHERE customer_id = %s AND amount >= %s RETURNING amount"
)


def _debit_params(customer_id: int, value: Decimal) -> list[Any]:
    return [value, timezone.now(), customer_id, value]


def _debit(customer_id: int, value: Decimal) -> Decimal:
    """Take `value` from the balance if it covers it; returns the new balance.

    One conditional UPDATE, never read-then-write: two debits racing on one balance are
    serialised by the row lock, and the loser re-checks `amount >= value` against the
    winner's result, so the balance cannot be spent twice.
    """
    with connection.cursor() as cursor:
        cursor.execute(_DEBIT, _debit_params(customer_id, value))
        row = cursor.fetchone()
    if row is None:
        raise InsufficientFunds()
    return row[0]


def _add_to_column(*, table: str, key: str, column: str, deltas: dict[int, Decimal]) -> None:
    """`column += delta` for every `key` in `deltas`, in one UPDATE ... FROM (VALUES ...)."""
    rows = ", ".join(["(%s::bigint, %s::numeric)"] * len(deltas))
    params: list[Any] = [timezone.now(), *chain.from_iterable(deltas.items())]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {column} = t.{column} + v.delta, updated_at = %s "  # noqa: S608
            f"FROM (VALUES {rows}) AS v(key, delta) WHERE t.{key} = v.key",
            params,
        )


# --- Balances and staff movements -------------------------------------------------------------


def balance_get_or_create(*, customer_id: int) -> Balance:
    """The customer's balance row, created at 0 if they have none yet."""
    # get_or_create retries the read when a concurrent insert wins the unique key.
    balance, _ = Balance.objects.get_or_create(customer_id=customer_id)
    return balance


def _staff_entry(
    *, customer: User, kind: EntryKind, value: Decimal, request_token: UUID | None, **fields
) -> LedgerEntry:
    """Move `value` (credit when positive) and append its entry, once per `request_token`.

    A second use of the token rolls the whole movement back and raises AlreadyRecorded. Two
    submissions racing with one token queue on the unique index (or on the balance row): the
    second fails once the first commits. A debit the balance no longer covers because its first
    submission took the money is AlreadyRecorded too, not InsufficientFunds.
    """
    try:
        with transaction.atomic():
            balance_after = _credit(customer.pk, value) if value > 0 else _debit(customer.pk, -value)
            return LedgerEntry.objects.create(
                customer_id=customer.pk,
                kind=kind,
                amount=value,
                balance_after=balance_after,
                request_token=request_token,
                **fields,
            )
    except InsufficientFunds:
        first = LedgerEntry.objects.filter(request_token=request_token).first() if request_token else None
        if first is None:
            raise
        raise AlreadyRecorded(first) from None
    except IntegrityError as error:
        if request_token is None or _violated_constraint(error) != _ONE_PER_STAFF_FORM:
            raise
        raise AlreadyRecorded(LedgerEntry.objects.get(request_token=request_token)) from None


def ledger_deposit(
    *,
    customer: User,
    amount: Decimal,
    created_by: User | None,
    reason: str,
    request_token: UUID | None = None,
) -> LedgerEntry:
    """Credit `amount` (> 0, at most 5 decimal places) to the customer's balance.

    `created_by` is the staff member behind it, None when the panel or a command did it.
    Returns the deposit entry; its `balance_after` is the new balance. With `request_token`
    (a staff form's), raises AlreadyRecorded when that token made an entry already.
    """
    value = _positive_amount(amount, what="A deposit")
    text = _clean_reason(reason)
    return _staff_entry(
        customer=customer,
        kind=EntryKind.DEPOSIT,
        value=value,
        request_token=request_token,
        created_by=created_by,
        reason=text,
    )


def ledger_adjust(
    *,
    customer: User,
    amount: Decimal,
    created_by: User | None,
    reason: str,
    request_token: UUID | None = None,
) -> LedgerEntry:
    """Correct the customer's balance by signed, non-zero `amount`, with a required reason.

    Returns the adjustment entry. Raises InsufficientFunds (and moves nothing) when a negative
    adjustment would take the balance below zero, and AlreadyRecorded like ledger_deposit.
    """
    value = _exact_amount(amount)
    if value == 0:
        raise BillingError("An adjustment must not be zero")
    text = _clean_reason(reason, required=True)
    return _staff_entry(
        customer=customer,
        kind=EntryKind.ADJUSTMENT,
        value=value,
        request_token=request_token,
        created_by=created_by,
        reason=text,
    )


# --- Orders: charge once, refund at most once -----------------------------------------------------


def ledger_charge(*, order: Order) -> LedgerEntry:
    """Debit `order.charge` from the order's customer; returns the charge entry (amount negative).

    Must run inside the transaction that saves the order, so that an order exists if and only
    if it was paid for. Raises InsufficientFunds when the balance does not cover the charge,
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
        f"WITH debit AS ({_DEBIT}) "  # noqa: S608 (our tables)
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
                raise InsufficientFunds()
    except IntegrityError as error:
        if _violated_constraint(error) == _ONE_PER_ORDER:
            raise AlreadyCharged(f"Order {order.pk} is charged already") from error
        raise
    mark_saved(entry, row[0])
    entry.balance_after = row[1]
    return entry


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
    transaction as the entry and the balance.
    """
    value = _exact_amount(amount)
    if value < 0:
        raise BillingError(f"A refund must not be negative, not {value}")
    if value == 0:
        return None
    text = _system_reason(reason)
    with transaction.atomic():
        # The order's row lock serialises refunds of one order (and is taken before the
        # balance's, as everywhere). Orders before balances: orders.apply_statuses locks its
        # chunk of orders before calling ledger_refund_many.
        locked = (
            Order.objects.select_for_update()
            .filter(pk=order.pk)
            .values_list("customer_id", "charge", "refunded")
            .first()
        )
        if locked is None:
            raise BillingError(f"Order {order.pk} does not exist")
        customer_id, charge, refunded = locked
        # A separate statement after the lock, on purpose: its snapshot sees the refund of
        # whoever held the lock before us (a subquery in the locking SELECT would not).
        kinds = set(
            LedgerEntry.objects.filter(order_id=order.pk, kind__in=[EntryKind.CHARGE, EntryKind.REFUND])
            .order_by()
            .values_list("kind", flat=True)
        )
        if not _refundable(kinds, order.pk, value, charge, refunded):
            return None
        balance_after = _credit(customer_id, value)
        Order.objects.filter(pk=order.pk).update(refunded=F("refunded") + value, updated_at=timezone.now())
        entry = LedgerEntry.objects.create(
            customer_id=customer_id,
            kind=EntryKind.REFUND,
            amount=value,
            balance_after=balance_after,
            order_id=order.pk,
            reason=text,
        )
    order.refunded = refunded + value
    return entry


def ledger_refund_many(*, refunds: Sequence[tuple[Order, Decimal, str]]) -> list[LedgerEntry]:
    """`ledger_refund` for a chunk of (order, amount, reason), in a fixed number of queries.

    Must run inside the caller's transaction (order polling applies a chunk of up to 100
    answers in one). Amounts of 0, orders already refunded and repeats of an order in the
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
    # After the locks, in its own statement: see ledger_refund.
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
