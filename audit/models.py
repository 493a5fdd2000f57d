from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditKind(models.TextChoices):
    MONEY = "money", "Money"
    ORDER = "order", "Order"
    PRICE = "price", "Price"
    PERMISSION = "permission", "Permission"


class AuditEntry(models.Model):
    """One staff action on one object. Appended by audit.services alone; the admin shows it only.

    `before` and `after` hold the changed fields only ({"field": value}); `actor_label` keeps who
    it was once their account is deleted (the FK is SET_NULL so the trail outlives the account)."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    kind = models.CharField(max_length=16, choices=AuditKind.choices)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, help_text='"app_label.model"')
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip = models.CharField(max_length=45, blank=True)

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        ordering = ["-at", "-id"]
        # View only: no add, change or delete permission exists to be given to anyone.
        default_permissions = ("view",)
        indexes = [
            # The admin's list is newest first, filtered by kind or actor; an object's own trail.
            models.Index(fields=["-at", "-id"], name="audit_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label}: {self.action} {self.object_repr}"
