"""What billing's services share: their errors, amount and reason checks, and the balance's SQL."""

from __future__ import annotations

from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import money_display, parse_amount
from orders.models import Order
from panel.sql import table

if TYPE_CHECKING:
    pass

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


class OutstandingDebt(InsufficientFunds):
    """The customer owes a reversed payment's money: no charge until a deposit settles the debt."""

    def __init__(self, debt: Decimal) -> None:
        super().__init__(
            f"Your balance has an outstanding debt of {money_display(debt)} from a reversed payment; "
            "add funds to settle it before ordering"
        )
        self.debt = debt


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
            f"INSERT INTO {_BALANCE} AS b (customer_id, amount, debt, updated_at) VALUES (%s, %s, 0, %s) "  # noqa: S608
            "ON CONFLICT (customer_id) DO UPDATE "
            "SET amount = b.amount + EXCLUDED.amount, updated_at = EXCLUDED.updated_at "
            "RETURNING b.amount",
            [customer_id, value, timezone.now()],
        )
        return cursor.fetchone()[0]


# The one conditional debit (design: "one UPDATE ... WHERE balance >= x"): _debit runs it alone,
# ledger_charge as the CTE that feeds its entry. Its parameters come from _debit_params.
_DEBIT_SQL = (
    f"UPDATE {_BALANCE} SET amount = amount - %s, updated_at = %s "  # noqa: S608 (our table)
    "WHERE customer_id = %s AND amount >= %s{condition} RETURNING amount"
)
_DEBIT = _DEBIT_SQL.format(condition="")
# A charge also needs the customer out of debt, checked in the same statement: a reversal that
# commits first makes the charge find no row, never a charge that read the debt before it.
_CHARGE_DEBIT = _DEBIT_SQL.format(condition=" AND debt = 0")


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


def _settle_debt(customer_id: int, *, entry_fields: dict[str, Any] | None = None) -> LedgerEntry | None:
    """Pay the customer's debt from their balance as far as it goes, after a deposit credited it.

    Runs inside the deposit's transaction, right after its credit locked the balance row (so the
    amounts it reads are the ones it writes). Returns the SETTLEMENT entry, None when there was no
    debt (the common case: one indexed read of the row already locked).
    """
    balance = Balance.objects.select_for_update().filter(customer_id=customer_id, debt__gt=0).first()
    if balance is None:
        return None
    paid = min(balance.amount, balance.debt)
    if paid <= 0:
        return None
    Balance.objects.filter(customer_id=customer_id).update(
        amount=balance.amount - paid, debt=balance.debt - paid, updated_at=timezone.now()
    )
    return LedgerEntry.objects.create(
        customer_id=customer_id,
        kind=EntryKind.SETTLEMENT,
        amount=-paid,
        debt_change=-paid,
        balance_after=balance.amount - paid,
        reason="Debt from a reversed payment settled",
        **(entry_fields or {}),
    )
