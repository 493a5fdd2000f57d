from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from billing.money import RateField
from catalog.pricing import fixed_rate_check, markup_check


class ServiceType(models.TextChoices):
    """The service types of API v2; each decides the parameters of `add` and what is charged."""

    DEFAULT = "Default"
    PACKAGE = "Package"
    CUSTOM_COMMENTS = "Custom Comments"
    CUSTOM_COMMENTS_PACKAGE = "Custom Comments Package"
    MENTIONS = "Mentions"
    MENTIONS_WITH_HASHTAGS = "Mentions with Hashtags"
    MENTIONS_CUSTOM_LIST = "Mentions Custom List"
    MENTIONS_HASHTAG = "Mentions Hashtag"
    MENTIONS_USER_FOLLOWERS = "Mentions User Followers"
    MENTIONS_MEDIA_LIKERS = "Mentions Media Likers"
    COMMENT_LIKES = "Comment Likes"
    COMMENT_REPLIES = "Comment Replies"
    POLL = "Poll"
    INVITES_FROM_GROUPS = "Invites from Groups"
    WEB_TRAFFIC = "Web Traffic"
    SEO = "SEO"
    SUBSCRIPTIONS = "Subscriptions"

    @property
    def is_package(self) -> bool:
        """A package's rate is the price of one package, not of 1000 units."""
        return self in (ServiceType.PACKAGE, ServiceType.CUSTOM_COMMENTS_PACKAGE)


class Category(models.Model):
    name = models.CharField(max_length=200, unique=True)
    position = models.IntegerField(default=0, help_text="Lower comes first.")
    # Markup in percent for services of this category that set none of their own.
    default_markup_percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    visible = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            # A negative markup sells below cost (catalog.pricing); the admin form says so first.
            models.CheckConstraint(
                condition=Q(default_markup_percent__gte=0), name="category_markup_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            markup_check(self.default_markup_percent)
        except ValidationError as error:
            raise ValidationError({"default_markup_percent": error}) from None


class Service(models.Model):
    """A provider's service as we sell it: their id, type and bounds; our name, category and rate."""

    provider = models.ForeignKey("provider.Provider", on_delete=models.PROTECT, related_name="services")
    # Empty for a manual service: it is not the provider's, and sync never reads or drops it.
    provider_service_id = models.BigIntegerField("provider's service id", null=True, blank=True)
    type = models.CharField(max_length=40, choices=ServiceType.choices, default=ServiceType.DEFAULT)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="services")
    # Our name. It follows the provider's name while the two are equal; once an admin makes it
    # differ, sync leaves it alone (catalog.services.sync).
    name = models.CharField(max_length=300, help_text="Follows the provider's name until you change it.")
    provider_name = models.CharField("provider's name", max_length=300, blank=True)
    # Same rule as `name`: follows provider_description until an admin makes it differ.
    description = models.TextField(blank=True)
    provider_description = models.TextField("provider's description", blank=True)
    # The category the provider files it under; CategoryMapping turns it into our `category`.
    provider_category = models.CharField("provider's category", max_length=200, blank=True)
    # Price per 1000 units (per package for package types), in the provider's currency.
    provider_rate = RateField()
    min_quantity = models.PositiveIntegerField(default=1)
    max_quantity = models.PositiveIntegerField(default=1)
    refill = models.BooleanField(default=False)
    cancel = models.BooleanField(default=False)
    dripfeed = models.BooleanField("provider's drip-feed", default=False)
    # The admin's word on drip-feed, over the provider's flag (HonestSMM's `services` has none):
    # None follows the provider. Read it through `offers_dripfeed`.
    dripfeed_override = models.BooleanField(
        "drip-feed",
        null=True,
        blank=True,
        help_text="Unknown: as the provider says. Yes or No: offered or refused whatever the provider says.",
    )
    # Days after completion a refill may be asked; empty: no limit (orders.selectors.order_refill_refusal).
    refill_days = models.PositiveIntegerField(
        "refill window (days)",
        null=True,
        blank=True,
        help_text="Days after an order completes during which a refill may be asked. Empty: no limit.",
    )
    # Staff deliver it by hand: its orders go to the admin's Manual queue, never to the provider,
    # and sync leaves it alone (its cost and price are staff's). `provider` still gives its currency
    # factor and the provider markup it inherits.
    manual = models.BooleanField(
        default=False,
        editable=False,
        help_text="Delivered by staff: orders go to the Manual queue, never to the provider.",
    )
    # Markup in percent; empty: the category's, then the provider's, then the default (PricingSettings).
    markup_percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    # Our price per 1000 set by hand, instead of the markup while the cost stays at or below it.
    fixed_rate = RateField(null=True, blank=True)
    # Our price per 1000 (per package), in the panel's currency, before a customer's discount.
    rate = RateField(default=0)
    enabled = models.BooleanField(default=True)
    position = models.IntegerField(default=0)
    # Failover (docs/provider.md): another provider's service of the same type that takes new orders
    # when this one's provider refuses for its balance or rate limit, or cannot be reached.
    backup_service = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="backup_for",
        verbose_name="backup service",
        help_text=(
            "Another provider's service of the same type. Orders go there, at its cost and at this "
            "service's price, while this provider refuses for its balance or rate limit or cannot be reached."
        ),
    )
    # Set when the provider's list stopped naming the service; it is disabled, not deleted.
    dropped_at = models.DateTimeField(null=True, blank=True)
    # True when the drop is what disabled it: if the provider lists it again, it is enabled
    # again; a service an admin had disabled stays disabled.
    disabled_by_drop = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_service_id"], name="service_unique_per_provider"
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__lte=models.F("max_quantity")), name="service_min_le_max"
            ),
            models.CheckConstraint(condition=Q(markup_percent__gte=0), name="service_markup_not_negative"),
            models.CheckConstraint(condition=Q(fixed_rate__gte=0), name="service_fixed_rate_not_negative"),
            models.CheckConstraint(
                condition=~Q(backup_service=models.F("pk")), name="service_backup_not_itself"
            ),
            # Every service but a manual one is the provider's, under its id.
            models.CheckConstraint(
                condition=Q(manual=True) | Q(provider_service_id__isnull=False),
                name="service_provider_id_unless_manual",
            ),
        ]
        indexes = [models.Index(fields=["enabled", "category"], name="service_enabled_category")]

    def __str__(self) -> str:
        return f"{self.pk} · {self.name}"

    def clean(self) -> None:
        """Refuses prices below cost and bounds the wrong way round, naming the cost."""
        errors: dict[str, ValidationError] = {}
        factor = self.provider.currency_factor if self.provider_id else None
        rate = self.provider_rate
        try:
            markup_check(self.markup_percent, provider_rate=rate, currency_factor=factor)
        except ValidationError as error:
            errors["markup_percent"] = error
        if factor is not None and rate is not None:
            try:
                fixed_rate_check(self.fixed_rate, provider_rate=rate, currency_factor=factor)
            except ValidationError as error:
                errors["fixed_rate"] = error
        if (
            self.min_quantity is not None
            and self.max_quantity is not None
            and self.min_quantity > self.max_quantity
        ):
            errors["max_quantity"] = ValidationError("The maximum is below the minimum.")
        backup_error = self._backup_error()
        if backup_error:
            errors["backup_service"] = ValidationError(backup_error)
        if self.enabled and self.dropped_at is not None:
            errors["enabled"] = ValidationError(
                "The provider no longer lists this service: it cannot be enabled until a sync finds it again."
            )
        if errors:
            raise ValidationError(errors)

    def _backup_error(self) -> str | None:
        backup = self.backup_service
        if backup is None:
            return None
        if backup.provider_id == self.provider_id:
            return "The backup must be another provider's service: this provider is the one that fails."
        if backup.type != self.type:
            return f"The backup must be of the same type ({self.type}); it is {backup.type}."
        return None

    @property
    def service_type(self) -> ServiceType:
        return ServiceType(self.type)

    @property
    def offers_dripfeed(self) -> bool:
        """Whether orders may take `runs` and `interval`: the admin's choice, else the provider's flag."""
        return self.dripfeed if self.dripfeed_override is None else self.dripfeed_override


class PriceChange(models.TextChoices):
    """What changed a price: the provider's rate (a sync), a markup at one of its levels, or a
    staff member's other edit (a fixed rate, a move to another category, "Recompute prices")."""

    SYNC = "sync", "Provider sync"
    SERVICE_MARKUP = "service_markup", "Service markup"
    CATEGORY_MARKUP = "category_markup", "Category markup"
    PROVIDER_MARKUP = "provider_markup", "Provider markup or currency factor"
    DEFAULT_MARKUP = "default_markup", "Default markup"
    STAFF = "staff", "Staff edit"
    UNRECORDED = "", "Not recorded"  # rows written before the cause was kept


class ServiceUpdate(models.TextChoices):
    """What a row of a service's history tells its customers (the Updates page): the service came,
    went, was enabled or disabled, or its rate rose or fell while it was for sale."""

    ADDED = "added", "Added"
    REMOVED = "removed", "Removed"
    ENABLED = "enabled", "Enabled"
    DISABLED = "disabled", "Disabled"
    RATE_UP = "rate_up", "Rate up"
    RATE_DOWN = "rate_down", "Rate down"
    # Not news to a customer: the cost moved and our rate did not, or the service was not for sale.
    NONE = "", "Not shown to customers"


class PriceHistory(models.Model):
    """A service's history: each change of its provider rate or our rate, and its coming, going,
    enabling and disabling, appended by sync, repricing and the admin; never edited. `cause` says
    what changed it, `changed_by` which staff member did (none for a sync), `kind` what customers
    read of it on the Updates page."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="price_history")
    # The rates after the change, and before it (empty on a service's first row).
    provider_rate = RateField()
    rate = RateField()
    previous_provider_rate = RateField(verbose_name="previous provider rate", null=True, blank=True)
    previous_rate = RateField(verbose_name="previous rate", null=True, blank=True)
    kind = models.CharField(
        "update",
        max_length=10,
        choices=ServiceUpdate.choices,
        blank=True,
        default=ServiceUpdate.NONE,
        help_text="What the customers' Updates page says of this row.",
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    cause = models.CharField(
        max_length=20, choices=PriceChange.choices, blank=True, default=PriceChange.UNRECORDED
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name_plural = "price history"
        indexes = [
            # The Updates page: the newest rows customers are told of, a page at a time.
            models.Index(
                fields=["-changed_at", "-id"],
                name="pricehistory_updates",
                condition=~Q(kind=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.rate} at {self.changed_at:%Y-%m-%d %H:%M}"


class CategoryMapping(models.Model):
    """Where a provider's category name files its services in our catalog.

    Sync creates one per new provider category (pointing at a category of the same name); an
    admin may point it elsewhere, before or after the first sync.
    """

    provider = models.ForeignKey(
        "provider.Provider", on_delete=models.CASCADE, related_name="category_mappings"
    )
    provider_category = models.CharField("provider's category", max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="mappings")

    class Meta:
        ordering = ["provider", "provider_category"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_category"], name="category_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_category} → {self.category}"


def _env_default_markup() -> Decimal:
    """DEFAULT_MARKUP_PERCENT from the environment: the setting's value until an admin saves one."""
    return settings.DEFAULT_MARKUP_PERCENT


class PricingSettings(models.Model):
    """The catalog's one row of pricing settings (pk 1), edited in the admin.

    Without the row, catalog.pricing uses DEFAULT_MARKUP_PERCENT from the environment.
    """

    default_markup_percent = models.DecimalField(
        "default markup %",
        max_digits=7,
        decimal_places=2,
        default=_env_default_markup,
        help_text="For services whose own, category's and provider's markup are all empty.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "pricing settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(default_markup_percent__gte=0), name="pricing_default_markup_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return "Pricing settings"

    def clean(self) -> None:
        try:
            markup_check(self.default_markup_percent)
        except ValidationError as error:
            raise ValidationError({"default_markup_percent": error}) from None


class CustomRate(models.Model):
    """One customer's own price of one service: a fixed rate or a markup over cost.

    It wins over the service's rate and the customer's discount (catalog.pricing). A fixed rate
    the cost has risen above is set aside, or its service disabled (the margin guard, sync).
    """

    customer = models.ForeignKey("panel.User", on_delete=models.CASCADE, related_name="custom_rates")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="custom_rates")
    # Exactly one of the two: the price per 1000 (per package), or the markup in percent over cost.
    fixed_rate = RateField(null=True, blank=True, help_text="Their price per 1000 (per package).")
    markup_percent = models.DecimalField(
        "markup %", max_digits=7, decimal_places=2, null=True, blank=True, help_text="Or: cost plus this."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "service"]
        constraints = [
            # Also the index the customer's price is read through (catalog.selectors).
            models.UniqueConstraint(fields=["customer", "service"], name="custom_rate_unique"),
            models.CheckConstraint(
                condition=Q(fixed_rate__isnull=True) ^ Q(markup_percent__isnull=True),
                name="custom_rate_fixed_or_markup",
            ),
            models.CheckConstraint(condition=Q(fixed_rate__gte=0), name="custom_rate_fixed_not_negative"),
            models.CheckConstraint(
                condition=Q(markup_percent__gte=0), name="custom_rate_markup_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} · {self.service_id}"

    def clean(self) -> None:
        """One of the two, and never below cost (the cost at the time of the edit)."""
        if (self.fixed_rate is None) == (self.markup_percent is None):
            raise ValidationError("Set either a fixed rate or a markup %, not both.")
        try:
            markup_check(self.markup_percent)
        except ValidationError as error:
            raise ValidationError({"markup_percent": error}) from None
        if self.service_id is not None and self.fixed_rate is not None:
            service = self.service
            try:
                fixed_rate_check(
                    self.fixed_rate,
                    provider_rate=service.provider_rate,
                    currency_factor=service.provider.currency_factor,
                )
            except ValidationError as error:
                raise ValidationError({"fixed_rate": error}) from None
