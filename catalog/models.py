from __future__ import annotations

from django.db import models
from django.db.models import Q

from billing.money import RateField


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

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A provider's service as we sell it: their id, type and bounds; our name, category and rate."""

    provider = models.ForeignKey("provider.Provider", on_delete=models.PROTECT, related_name="services")
    provider_service_id = models.BigIntegerField("provider's service id")
    type = models.CharField(max_length=40, choices=ServiceType.choices, default=ServiceType.DEFAULT)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=300)
    provider_name = models.CharField("provider's name", max_length=300, blank=True)
    description = models.TextField(blank=True)
    # Price per 1000 units (per package for package types), in the provider's currency.
    provider_rate = RateField()
    min_quantity = models.PositiveIntegerField(default=1)
    max_quantity = models.PositiveIntegerField(default=1)
    refill = models.BooleanField(default=False)
    cancel = models.BooleanField(default=False)
    dripfeed = models.BooleanField(default=False)
    # Markup in percent; empty: the category's, then the provider's, then DEFAULT_MARKUP_PERCENT.
    markup_percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    # Our price per 1000 set by hand, instead of the markup.
    fixed_rate = RateField(null=True, blank=True)
    # Our price per 1000 (per package), in the panel's currency, before a customer's discount.
    rate = RateField(default=0)
    enabled = models.BooleanField(default=True)
    position = models.IntegerField(default=0)
    # Set when the provider's list stopped naming the service; it is disabled, not deleted.
    dropped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_service_id"], name="service_unique_per_provider"),
            models.CheckConstraint(condition=Q(min_quantity__lte=models.F("max_quantity")), name="service_min_le_max"),
        ]
        indexes = [models.Index(fields=["enabled", "category"], name="service_enabled_category")]

    def __str__(self) -> str:
        return f"{self.pk} · {self.name}"

    @property
    def service_type(self) -> ServiceType:
        return ServiceType(self.type)


class PriceHistory(models.Model):
    """A change of a service's provider rate or our rate, appended by sync and repricing."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="price_history")
    provider_rate = RateField()
    rate = RateField()
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name_plural = "price history"
