"""What a customer asked to be e-mailed about, and the notices waiting for their next digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from billing.money import AmountField


class Preferences(models.Model):
    """A customer's choice of e-mails; created on the first save (no row: every e-mail off)."""

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preferences",
    )
    # The order kinds' names are NoticeKind's values: recording matches a notice to its switch by name.
    order_completed = models.BooleanField("Order completed", default=False)
    order_partial = models.BooleanField("Order partially delivered (Partial)", default=False)
    order_canceled = models.BooleanField("Order canceled", default=False)
    payment_credited = models.BooleanField("Payment credited", default=False)
    # In the panel's currency; None: no low-balance e-mail.
    low_balance_below = AmountField(null=True, blank=True)
    # Set when the balance went below `low_balance_below` and the customer was told; cleared once it
    # is back at or above, so each crossing is told once, not each charge below the line.
    low_balance_told = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "preferences"
        constraints = [
            models.CheckConstraint(
                condition=Q(low_balance_below__isnull=True) | Q(low_balance_below__gt=0),
                name="notification_low_balance_positive",
            )
        ]

    def __str__(self) -> str:
        return f"E-mail notifications of {self.customer}"


class NoticeKind(models.TextChoices):
    ORDER_COMPLETED = "order_completed", "Order completed"
    ORDER_PARTIAL = "order_partial", "Order partial"
    ORDER_CANCELED = "order_canceled", "Order canceled"
    PAYMENT_CREDITED = "payment_credited", "Payment credited"
    BALANCE_LOW = "balance_low", "Balance low"


class Notice(models.Model):
    """One thing to tell a customer, recorded in the transaction that made it happen and sent in
    their next digest e-mail (`sent_at` set when claimed for it: a retry never sends it twice)."""

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # BALANCE_LOW: the balance when it was found below the customer's line (panel currency).
    amount = AmountField(null=True, blank=True)
    # db_default: polling inserts notices with one INSERT ... SELECT of its own.
    created_at = models.DateTimeField(db_default=Now())
    sent_at = models.DateTimeField(null=True, blank=True)
    # Failed sends so far; past NOTICE_MAX_ATTEMPTS the notice is given up (`failed`).
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    failed = models.BooleanField(default=False, db_default=False)

    class Meta:
        indexes = [
            # The sender's only question: who has notices to send.
            models.Index(
                fields=["customer", "id"],
                name="notice_pending",
                condition=Q(sent_at__isnull=True, failed=False),
            ),
            models.Index(fields=["created_at"], name="notice_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.customer_id}"
