from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from billing.money import AmountField


class Balance(models.Model):
    """A customer's money with us, in the panel's currency. Written only by billing.services."""

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, primary_key=True, related_name="balance"
    )
    amount = AmountField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="balance_never_negative")]
        # Staff move money only through the admin's forms, each behind its own permission.
        permissions = [
            ("adjust_balance", "Can adjust a balance (signed, with a reason)"),
            ("deposit_funds", "Can deposit funds into a balance"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.amount}"


class EntryKind(models.TextChoices):
    DEPOSIT = "deposit"
    CHARGE = "charge"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"


class LedgerEntry(models.Model):
    """One signed movement of a customer's balance. Appended, never edited or deleted.

    The sum of a customer's entries is their balance; `audit_ledger` checks it.
    """

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    # Signed, panel currency: a charge is negative, a deposit or refund positive.
    amount = AmountField()
    # The balance right after this entry, for statements.
    balance_after = AmountField()
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
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
            models.CheckConstraint(
                condition=(
                    Q(kind=EntryKind.CHARGE, amount__lt=0, order__isnull=False)
                    | Q(kind=EntryKind.REFUND, amount__gt=0, order__isnull=False)
                    | Q(kind=EntryKind.DEPOSIT, amount__gt=0)
                    | (Q(kind=EntryKind.ADJUSTMENT) & ~Q(amount=0))
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
