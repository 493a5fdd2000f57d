"""Customers' payments through a gateway, and every verified event a gateway sent about them.

A Payment is what the panel asked a gateway to collect; its money reaches the balance only through
billing (a deposit entry that names the payment), once, when the gateway itself confirms it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from billing.money import AmountField
from payments.gateways.base import EventKind


class GatewaySettings(models.Model):
    """What staff set per gateway in the admin; its secrets stay in the environment."""

    code = models.CharField(max_length=20, unique=True)
    enabled = models.BooleanField(default=True, help_text="Offered to customers (when its secrets are set).")
    min_amount = AmountField(default=1, help_text="The least a customer may add in one payment.")
    max_amount = AmountField(default=10000, help_text="The most a customer may add in one payment.")
    fee_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text="Added on top of the amount and shown before paying (the gateway's own fee passed on).",
    )

    class Meta:
        verbose_name = "gateway"
        verbose_name_plural = "gateways"
        constraints = [
            models.CheckConstraint(condition=Q(min_amount__gt=0), name="gateway_min_amount_positive"),
            models.CheckConstraint(
                condition=Q(max_amount__gte=models.F("min_amount")), name="gateway_max_at_least_min"
            ),
            models.CheckConstraint(
                condition=Q(fee_percent__gte=0, fee_percent__lt=100), name="gateway_fee_percent_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class BonusTier(models.Model):
    """From `from_amount` up, a payment is credited `percent` more (its own ledger kind, BONUS)."""

    from_amount = AmountField(unique=True, help_text="The least amount added that earns this bonus.")
    percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["from_amount"]
        constraints = [
            models.CheckConstraint(condition=Q(from_amount__gt=0), name="bonus_from_amount_positive"),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100), name="bonus_percent_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"+{self.percent}% from {self.from_amount}"


class PaymentState(models.TextChoices):
    CREATED = "created"  # made here, the customer sent to the gateway
    PENDING = "pending"  # the gateway says the customer is paying; no money confirmed yet
    PAID = "paid"  # the gateway confirmed it: deposited
    FAILED = "failed"  # expired, declined or canceled; nothing deposited
    REFUNDED = "refunded"  # refunded at the gateway (in part or in full) after it was paid
    DISPUTED = "disputed"  # a chargeback was opened after it was paid


# States in which the payment's deposit is in the ledger.
CREDITED_STATES = (PaymentState.PAID, PaymentState.REFUNDED, PaymentState.DISPUTED)


class Payment(models.Model):
    """One payment at one gateway. Its amounts are fixed when it is created; events change its state.

    `amount` is what the balance receives (panel currency) and `bonus` the tier's extra; the
    customer pays `pay_amount` `pay_currency` (`amount` + `fee`) at the gateway, and a
    confirmation of any other amount or currency credits nothing and flags the payment.
    """

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(max_length=20)
    # The gateway's id (Stripe Checkout Session, PayPal order, NOWPayments invoice); empty until the
    # gateway made it. Unique per gateway: one gateway payment is one Payment, credited once.
    gateway_payment_id = models.CharField(max_length=200, blank=True)
    amount = AmountField()
    bonus = AmountField(default=0)
    fee = AmountField(default=0)
    pay_amount = AmountField()
    pay_currency = models.CharField(max_length=3)
    state = models.CharField(max_length=10, choices=PaymentState.choices, default=PaymentState.CREATED)
    # Where the customer pays; kept so that a payment left half-way can be resumed.
    checkout_url = models.URLField(max_length=2000, blank=True)
    # What the gateway took back, in pay_currency: its cumulative refunds, and each dispute's amount.
    refunded = AmountField(default=0)
    disputes = models.JSONField(default=dict, blank=True)
    # What billing took back of `amount` and of `bonus` (from the balance or into debt), written
    # with each reversal entry: the CHECK below makes reversing more than was credited impossible,
    # as an order's `refunded` does for its charge.
    amount_reversed = AmountField(default=0)
    bonus_reversed = AmountField(default=0)
    # A confirmation that disagrees with the payment (another amount, currency or customer), or a
    # reversal that left a debt: staff look at it (the admin's needs-attention filter).
    flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # When the panel last asked the gateway about it (the pending payments' check).
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        permissions = [
            ("check_payment", "Can ask the gateway about a payment"),
            ("clear_flag", "Can clear a payment's needs-attention flag"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_payment_id"],
                condition=~Q(gateway_payment_id=""),
                name="payment_one_per_gateway_payment",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, bonus__gte=0, fee__gte=0, refunded__gte=0),
                name="payment_amounts_in_range",
            ),
            models.CheckConstraint(
                condition=Q(amount_reversed__gte=0, amount_reversed__lte=models.F("amount"))
                & Q(bonus_reversed__gte=0, bonus_reversed__lte=models.F("bonus")),
                name="payment_reversed_at_most_credited",
            ),
            models.CheckConstraint(
                condition=Q(pay_amount=models.F("amount") + models.F("fee")),
                name="payment_pays_amount_and_fee",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-id"], name="payment_customer_recent"),
            models.Index(
                fields=["state", "created_at"],
                condition=Q(state__in=["created", "pending"]),
                name="payment_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk} ({self.gateway}, {self.state})"


class EventOutcome(models.TextChoices):
    APPLIED = "applied"  # it moved the payment (and maybe money)
    UNCHANGED = "unchanged"  # verified, nothing to do (already in that state, or an ignored kind)
    UNMATCHED = "unmatched"  # no payment of ours has this gateway id
    REFUSED = "refused"  # it disagrees with the payment: flagged, nothing credited


class PaymentEvent(models.Model):
    """A verified gateway event, kept as received (secrets removed): the payment's event log.

    Unique per (gateway, event_id): a replayed webhook finds its first copy and changes nothing.
    """

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    gateway = models.CharField(max_length=20)
    event_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    gateway_payment_id = models.CharField(max_length=200, blank=True)
    amount = AmountField(null=True, blank=True)
    currency = models.CharField(max_length=10, blank=True)
    # How it reached us: "webhook", "fetch" (check with the gateway) or "return" (PayPal's capture).
    source = models.CharField(max_length=10)
    outcome = models.CharField(max_length=10, choices=EventOutcome.choices)
    note = models.CharField(max_length=500, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="payment_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.kind} {self.event_id}"
