from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from billing.money import AmountField


class Balance(models.Model):
    """A customer's money with us, in the panel's currency. Written only by billing.services."""

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, primary_key=True, related_name="balance"
    )
    amount = AmountField(default=0)
    # What a reversed payment (a gateway refund or chargeback after the money was spent) could not
    # take back from `amount`: new orders are refused while it is above 0; the next deposit settles it.
    # db_default too: raw inserts of a balance row (billing's upsert, the audit's tests) leave it out.
    debt = AmountField(default=0, db_default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="balance_never_negative"),
            models.CheckConstraint(condition=Q(debt__gte=0), name="balance_debt_never_negative"),
        ]
        # Staff move money only through the admin's forms, each behind its own permission.
        permissions = [
            ("adjust_balance", "Can adjust a balance (signed, with a reason)"),
            ("deposit_funds", "Can deposit funds into a balance"),
            ("write_off_debt", "Can write off a customer's debt (with a reason)"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.amount}"


class EntryKind(models.TextChoices):
    DEPOSIT = "deposit"
    CHARGE = "charge"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"
    # A gateway payment's bonus tier (payments.BonusTier), credited with its deposit.
    BONUS = "bonus"
    # A gateway refund or chargeback taking back a payment's deposit, or its bonus: what the balance
    # covers is taken (amount, negative), the rest becomes debt (debt_change, positive).
    REVERSAL = "reversal"
    BONUS_REVERSAL = "bonus_reversal"
    # A deposit paying off debt: amount and debt_change both negative and equal.
    SETTLEMENT = "settlement"
    # Staff forgiving a debt: no money moves (amount 0), the debt goes down.
    WRITE_OFF = "write_off"


# Kinds that belong to one gateway payment; a deposit may belong to one (or be a staff deposit).
PAYMENT_KINDS = (EntryKind.BONUS, EntryKind.REVERSAL, EntryKind.BONUS_REVERSAL)


class LedgerEntry(models.Model):
    """One signed movement of a customer's balance. Appended, never edited or deleted.

    The sum of a customer's entries is their balance; `audit_ledger` checks it.
    """

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    # Signed, panel currency: a charge is negative, a deposit or refund positive.
    amount = AmountField()
    # The balance right after this entry, for statements.
    balance_after = AmountField()
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
    # The gateway payment behind a deposit, bonus or reversal; empty for staff deposits.
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
    # Signed change of the customer's debt (Balance.debt): + for what a reversal could not take
    # from the balance, - for a settlement or write-off; 0 for every other kind.
    debt_change = AmountField(default=0)
    # The staff member behind a deposit or adjustment; empty when the panel did it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    # The one-time token of the staff form that made a deposit or adjustment: a form sent twice
    # (a double click, a browser retry) records one entry.
    request_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(fields=["request_token"], name="ledger_request_token_unique"),
            # "Charged once, refunded at most once" is a database fact.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(kind__in=[EntryKind.CHARGE, EntryKind.REFUND]),
                name="ledger_one_charge_one_refund_per_order",
            ),
            # Credited once per gateway payment, its bonus too: the second confirmation's insert fails.
            models.UniqueConstraint(
                fields=["payment", "kind"],
                condition=Q(kind__in=[EntryKind.DEPOSIT, EntryKind.BONUS]),
                name="ledger_one_deposit_one_bonus_per_payment",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=EntryKind.CHARGE, amount__lt=0, order__isnull=False, debt_change=0)
                    | Q(kind=EntryKind.REFUND, amount__gt=0, order__isnull=False, debt_change=0)
                    | Q(kind=EntryKind.DEPOSIT, amount__gt=0, debt_change=0)
                    | (Q(kind=EntryKind.ADJUSTMENT, debt_change=0) & ~Q(amount=0))
                    | Q(kind=EntryKind.BONUS, amount__gt=0, payment__isnull=False, debt_change=0)
                    | (
                        Q(
                            kind__in=[EntryKind.REVERSAL, EntryKind.BONUS_REVERSAL],
                            amount__lte=0,
                            debt_change__gte=0,
                            payment__isnull=False,
                        )
                        & ~Q(amount=0, debt_change=0)
                    )
                    | Q(kind=EntryKind.SETTLEMENT, amount__lt=0, debt_change=F("amount"))
                    | Q(kind=EntryKind.WRITE_OFF, amount=0, debt_change__lt=0)
                ),
                name="ledger_amount_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="ledger_balance_after_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["customer", "-id"], name="ledger_customer_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
