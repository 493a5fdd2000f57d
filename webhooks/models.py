"""Webhooks: a customer's endpoints, and one delivery per event and endpoint (the delivery log)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# A customer's endpoints at most: each one multiplies every status change by one delivery.
MAX_ENDPOINTS_PER_CUSTOMER = 5


class EventType(models.TextChoices):
    ORDER_STATUS_CHANGED = "order.status_changed", "Order status changed"
    REFILL_STATUS_CHANGED = "refill.status_changed", "Refill status changed"
    TEST = "webhook.test", "Test"


class DeliveryState(models.TextChoices):
    PENDING = "pending"  # to be sent (again) at next_attempt_at
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # every attempt failed, or the endpoint was disabled first


class WebhookEndpoint(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField("URL", max_length=500)
    # Kept in clear, unlike API keys: we need it to sign, and the customer to verify.
    secret = models.CharField(max_length=64)
    # Set while the endpoint is disabled (by its owner, or for failing): no event is recorded or
    # sent for it then. is_active is derived from it; queries say `disabled_at__isnull=True`.
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Failed attempts since the last success, and when that run of failures began.
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


# What a delivery's record shows, after its id (and, for staff, its endpoint): the REST API's
# deliveries and the admin's delivery page, in this order.
DELIVERY_RECORD_FIELDS = (
    "event_id",
    "event_type",
    "payload",
    "state",
    "attempts",
    "next_attempt_at",
    "last_status_code",
    "last_error",
    "last_attempt_at",
    "delivered_at",
    "created_at",
)


class WebhookDelivery(models.Model):
    """One event for one endpoint, and what came of sending it."""

    # Not indexed alone: the log index below starts with it.
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    # The `Webhook-Id` header and the payload's `id`: the same on every attempt (and for every
    # endpoint of the customer), so that a receiver can drop repeats.
    event_id = models.UUIDField(default=uuid.uuid4)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Pending: not sent before this. A worker that claims the delivery moves it past the time its
    # attempt can take, so that no other worker sends it meanwhile (see services.delivery._claim_batch).
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # Why the last attempt failed: the timeout, the connection error, or the status and the
    # first characters of the answer (never more of it).
    last_error = models.CharField(max_length=500, blank=True)
    # Of a delivered delivery: when it was delivered (delivered_at).
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            # The due deliveries: pending ones whose time has come, oldest first.
            models.Index(
                fields=["next_attempt_at"], condition=Q(state=DeliveryState.PENDING), name="webhook_due"
            ),
            # An endpoint's delivery log, newest first.
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} to endpoint {self.endpoint_id}"

    @property
    def delivered_at(self) -> datetime | None:
        """When the endpoint answered 2xx (the last attempt's time); None until it did."""
        return self.last_attempt_at if self.state == DeliveryState.DELIVERED else None
