from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

MIN_DISCOUNT, MAX_DISCOUNT = Decimal(0), Decimal("99.99")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person who signs in: a customer, a reseller (a customer with an API key) or staff.

    Signs in with the e-mail address; there is no separate user name.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    # A reseller's better terms: percent off every catalog price (a custom rate wins over it).
    # Below 100, as the constraint says: a discount never sells below cost anyway (catalog.pricing).
    discount_percent = models.DecimalField(
        "discount %",
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(MIN_DISCOUNT), MaxValueValidator(MAX_DISCOUNT)],
        help_text="Percent off every catalog price, 0 to 99.99; never below cost.",
    )

    # Set by fraud.services.account_freeze: no orders, no new deposits, API keys refused (a
    # payment already made at a gateway is still credited). The reason is for staff.
    frozen_at = models.DateTimeField("frozen at", null=True, blank=True, editable=False)
    frozen_reason = models.CharField("reason for the freeze", max_length=500, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["email"]
        # The admin's list of accounts is the Customers list (staff are among them, flagged).
        verbose_name = "customer"
        # Who may make staff and give roles or permissions (panel.roles: only Owner has it).
        # Who may freeze and unfreeze an account (panel.roles: Finance and Owner).
        permissions = [
            ("manage_staff", "Can make staff and grant roles and permissions"),
            ("freeze_account", "Can freeze and unfreeze an account"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lt=100),
                name="user_discount_range",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class Heartbeat(models.Model):
    """The last time a periodic task proved that beat scheduled it and a worker ran it."""

    name = models.CharField(max_length=50, unique=True)
    last_seen = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen:%Y-%m-%d %H:%M:%S}"


class ApiKey(models.Model):
    """A customer's key for our API v2 (and the REST API). Only its SHA-256 is stored.

    The key is 32 random bytes, so a fast hash is as good as a slow one here: nobody can
    guess their way through 2**256. `prefix` (its first characters) lets a person recognise it.
    """

    customer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(revoked_at__isnull=True),
                name="apikey_one_active_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.customer})"
