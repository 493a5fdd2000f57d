"""Balances and the movements staff make by hand: deposits, adjustments, debt write-offs."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import money_display
from billing.services.base import (
    _ONE_PER_STAFF_FORM,
    AlreadyRecorded,
    BillingError,
    InsufficientFunds,
    _clean_reason,
    _credit,
    _debit,
    _exact_amount,
    _positive_amount,
    _settle_debt,
    _violated_constraint,
)

if TYPE_CHECKING:
    from panel.models import User


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
            entry = LedgerEntry.objects.create(
                customer_id=customer.pk,
                kind=kind,
                amount=value,
                balance_after=balance_after,
                request_token=request_token,
                **fields,
            )
            if kind == EntryKind.DEPOSIT:
                # A deposit pays a reversed payment's debt first (design: no orders while in debt).
                _settle_debt(customer.pk, entry_fields={"created_by": fields.get("created_by")})
            return entry
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


class DebtChanged(BillingError):
    """The debt is not the one the staff member saw (a reversal or a deposit came in between)."""

    def __init__(self, debt: Decimal) -> None:
        super().__init__(f"The debt changed to {money_display(debt)} since the page was shown.")
        self.debt = debt


def ledger_write_off_debt(
    *, customer: User, created_by: User, reason: str, debt_seen: Decimal | None = None
) -> LedgerEntry | None:
    """Forgive the customer's whole debt (staff, with a required reason): no money moves.

    With `debt_seen` (what the staff member's page showed), raises DebtChanged when the debt is
    another now: compared under the balance's lock, so nothing unseen is forgiven. Returns the
    WRITE_OFF entry, None when the customer owes nothing.
    """
    text = _clean_reason(reason, required=True)
    with transaction.atomic():
        balance = Balance.objects.select_for_update().filter(customer_id=customer.pk, debt__gt=0).first()
        if balance is None:
            return None
        if debt_seen is not None and debt_seen != balance.debt:
            raise DebtChanged(balance.debt)
        Balance.objects.filter(customer_id=customer.pk).update(debt=0, updated_at=timezone.now())
        return LedgerEntry.objects.create(
            customer_id=customer.pk,
            kind=EntryKind.WRITE_OFF,
            amount=0,
            debt_change=-balance.debt,
            balance_after=balance.amount,
            created_by=created_by,
            reason=text,
        )
