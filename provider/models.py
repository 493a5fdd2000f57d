from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from billing.money import AmountField

MAX_IN_FLIGHT_CEILING = 512


class MarginGuard(models.TextChoices):
    """What a sync does when the cost rises above a fixed rate or a customer's custom rate."""

    REPRICE = "reprice", "Reprice: sell at the markup instead"
    DISABLE = "disable", "Disable the service"


class Provider(models.Model):
    """A wholesale panel that speaks API v2 and fulfils our orders."""

    name = models.CharField(max_length=100, unique=True)
    api_url = models.URLField("API URL", max_length=500)
    # A secret: the provider needs it in clear, so it is stored, but never shown, logged or
    # put into an error message (see ProviderAdmin and provider.client).
    api_key = models.CharField("API key", max_length=255)
    # The provider's currency and how many panel-currency units one of its units is worth.
    currency = models.CharField(max_length=3, default="USD")
    currency_factor = models.DecimalField(max_digits=18, decimal_places=8, default=Decimal(1))
    # Markup in percent for this provider's services when neither service nor category sets one.
    default_markup_percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # Panels running this software keep an `add`'s idempotency_key and answer a repeat with the
    # first order (docs/api-v2.md): an `add` left without a usable answer can then be sent again.
    honours_idempotency_keys = models.BooleanField(
        "honours idempotency keys",
        default=False,
        help_text=(
            "Only for a provider that answers a repeated add with the same idempotency_key with the "
            "first order (panels running this software do). An add left without a clear answer is then "
            "sent again with the same key instead of waiting for an admin. Never for another provider: "
            "it would place the order twice."
        ),
    )
    margin_guard = models.CharField(
        max_length=10,
        choices=MarginGuard.choices,
        default=MarginGuard.REPRICE,
        help_text="When a sync raises the cost above a fixed or custom rate; admins are mailed either way.",
    )
    # The provider's own balance with us as a customer of theirs, in the provider's currency.
    balance = AmountField(null=True, blank=True, editable=False)
    balance_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    low_balance_threshold = AmountField(default=Decimal("10"))
    # True from the check that found the balance below the threshold until one finds it above:
    # the alert goes out once per crossing.
    low_balance_alerted = models.BooleanField(default=False, editable=False)
    # How many calls may be open at this provider at once, across every worker (provider.calls).
    max_in_flight = models.PositiveSmallIntegerField(
        "max calls in flight",
        default=32,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_IN_FLIGHT_CEILING)],
        help_text="Calls open at this provider at once, forwarding, polling, cancels and refills together.",
    )
    calls_per_second = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text="Optional: at most this many calls a second. Empty: as fast as max calls in flight allow.",
    )
    # After a "Too many requests" the rate is halved and then grows back by RATE_RECOVERY per second
    # from `throttled_at` (provider.calls.effective_rate): additive increase, multiplicative decrease.
    throttled_rate = models.FloatField(null=True, blank=True, editable=False)
    throttled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Failover (docs/provider.md): new orders of a service with a backup go to the backup once this
    # provider has refused connections for this long. Counted from `unreachable_since`.
    failover_after = models.PositiveIntegerField(
        "fail over after (seconds)",
        default=300,
        validators=[MaxValueValidator(7 * 24 * 3600)],
        help_text=(
            "How long this provider may be unreachable (no connection at all) before orders of a "
            "service with a backup go to the backup. A refusal for its balance or its rate limit "
            "fails over at once; an add without a clear answer never does."
        ),
    )
    # The first failed connection of an unbroken run of them; any answer clears it (forwarding).
    unreachable_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(currency_factor__gt=0), name="provider_factor_positive"),
            models.CheckConstraint(
                condition=Q(max_in_flight__gte=1, max_in_flight__lte=MAX_IN_FLIGHT_CEILING),
                name="provider_max_in_flight_in_range",
            ),
            models.CheckConstraint(
                condition=Q(default_markup_percent__isnull=True) | Q(default_markup_percent__gte=0),
                name="provider_markup_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Provider {self.pk}: {self.name} at {self.api_url}>"

    @property
    def balance_is_low(self) -> bool:
        return self.balance is not None and self.balance < self.low_balance_threshold
