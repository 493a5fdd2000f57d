"""A gateway payment's money: its deposit and bonus credited once, and taken back when the gateway
refunds it or a chargeback opens (docs/design.md, "Payments").

payments.services decides when (a verified event, under the payment's row lock) and calls these
inside that transaction; the ledger's unique (payment, kind) keeps "credited once" a database fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import AMOUNT_QUANTUM, ZERO
from billing.services.base import (
    BillingError,
    _credit,
    _require_transaction,
    _settle_debt,
    _violated_constraint,
)
from payments.models import Payment

_ONE_PER_PAYMENT = "ledger_one_deposit_one_bonus_per_payment"


class AlreadyCredited(BillingError):
    """The payment has its deposit entry already; crediting it again is refused by the database."""


@dataclass(frozen=True)
class Reversal:
    """What one reversal did: the entries written, what it took from the balance, the debt it left."""

    entries: list[LedgerEntry]
    taken: Decimal
    debt: Decimal


def _label(payment: Payment) -> str:
    return f"Payment {payment.pk} ({payment.gateway})"


def ledger_payment_deposit(*, payment: Payment) -> list[LedgerEntry]:
    """Credit the payment's `amount`, and its `bonus` as a BONUS entry, to its customer, once.

    Must run inside the caller's transaction that holds the payment's row lock and has checked
    that the gateway confirmed this amount. A deposit pays the customer's debt first (a
    SETTLEMENT entry). Raises AlreadyCredited, and moves nothing, when the payment has its
    deposit already. Returns the entries written.
    """
    _require_transaction("ledger_payment_deposit")
    credits = [(EntryKind.DEPOSIT, payment.amount)]
    if payment.bonus > 0:
        credits.append((EntryKind.BONUS, payment.bonus))
    entries = []
    try:
        # A savepoint: a second deposit of the payment rolls back whole, the caller's transaction
        # stays usable to record the event.
        with transaction.atomic():
            for kind, value in credits:
                entries.append(
                    LedgerEntry.objects.create(
                        customer_id=payment.customer_id,
                        kind=kind,
                        amount=value,
                        balance_after=_credit(payment.customer_id, value),
                        payment_id=payment.pk,
                        reason=f"{_label(payment)}" + (" bonus" if kind == EntryKind.BONUS else ""),
                    )
                )
            settlement = _settle_debt(payment.customer_id)
    except IntegrityError as error:
        if _violated_constraint(error) == _ONE_PER_PAYMENT:
            raise AlreadyCredited(f"{_label(payment)} is credited already") from None
        raise
    return [*entries, settlement] if settlement else entries


def _share(value: Decimal, taken_back: Decimal, paid: Decimal) -> Decimal:
    """The part of `value` that `taken_back` of `paid` stands for, to the cent's fraction; all of
    it when the gateway took back everything."""
    if taken_back >= paid:
        return value
    return min(value, (value * taken_back / paid).quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP))


def ledger_payment_reverse(*, payment: Payment, taken_back: Decimal, reason: str) -> Reversal:
    """Take back the share of the payment's deposit and bonus that `taken_back` (the gateway's
    cumulative refunds and disputes, in pay_currency) is of `pay_amount`.

    Cumulative (against the payment's `amount_reversed` and `bonus_reversed`, whose CHECK keeps
    them within what was credited), so a replayed or repeated event reverses nothing more. What the
    balance covers is taken; the rest becomes the customer's debt (Balance.debt), never a negative
    balance. Must run inside the caller's transaction holding the payment's row lock (that lock serialises the
    reversals of one payment); a payment without its deposit reverses nothing.
    """
    _require_transaction("ledger_payment_reverse")
    if taken_back < 0:
        raise BillingError(f"A reversal must not be negative, not {taken_back}")
    # What was reversed so far, as the database has it under the caller's lock.
    amount_reversed, bonus_reversed = (
        Payment.objects.filter(pk=payment.pk).values_list("amount_reversed", "bonus_reversed").get()
    )
    if not LedgerEntry.objects.filter(payment_id=payment.pk, kind=EntryKind.DEPOSIT).exists():
        return Reversal(entries=[], taken=ZERO, debt=ZERO)
    wanted = [
        (EntryKind.REVERSAL, _share(payment.amount, taken_back, payment.pay_amount) - amount_reversed),
        (EntryKind.BONUS_REVERSAL, _share(payment.bonus, taken_back, payment.pay_amount) - bonus_reversed),
    ]
    wanted = [(kind, value) for kind, value in wanted if value > 0]
    if not wanted:
        return Reversal(entries=[], taken=ZERO, debt=ZERO)
    balance = Balance.objects.select_for_update().get(customer_id=payment.customer_id)
    amount, debt = balance.amount, balance.debt
    entries = []
    for kind, value in wanted:
        taken = min(amount, value)
        amount -= taken
        debt += value - taken
        entries.append(
            LedgerEntry(
                customer_id=payment.customer_id,
                kind=kind,
                amount=-taken,
                debt_change=value - taken,
                balance_after=amount,
                payment_id=payment.pk,
                reason=reason,
            )
        )
    more = dict(wanted)
    with transaction.atomic(savepoint=False):
        Balance.objects.filter(customer_id=payment.customer_id).update(
            amount=amount, debt=debt, updated_at=timezone.now()
        )
        LedgerEntry.objects.bulk_create(entries)
        # Its CHECK refuses a total above what was credited, whatever a caller computed.
        Payment.objects.filter(pk=payment.pk).update(
            amount_reversed=F("amount_reversed") + more.get(EntryKind.REVERSAL, ZERO),
            bonus_reversed=F("bonus_reversed") + more.get(EntryKind.BONUS_REVERSAL, ZERO),
        )
    return Reversal(entries=entries, taken=balance.amount - amount, debt=debt - balance.debt)
