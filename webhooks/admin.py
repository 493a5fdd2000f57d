"""Webhooks in the admin: read-mostly. Staff see endpoints and the delivery log, and may retry."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils.html import format_html

from panel.admin_parts import ReadOnlyAdmin
from webhooks import services
from webhooks.models import DELIVERY_RECORD_FIELDS, WebhookDelivery, WebhookEndpoint

# Not the secret: staff have no use for it, and the admin's pages are not the customer's.
_ENDPOINT_FIELDS = (
    "customer",
    "url",
    "is_active",
    "disabled_at",
    "disabled_reason",
    "consecutive_failures",
    "failing_since",
    "created_at",
    "delivery_log",
)


class ActiveFilter(admin.SimpleListFilter):
    """Yes / No on is_active (derived from disabled_at), with the parameter a field's filter has."""

    title = "is active"
    parameter_name = "is_active__exact"

    def lookups(self, request, model_admin):
        return [("1", "Yes"), ("0", "No")]

    def queryset(self, request, queryset):
        if self.value() in ("1", "0"):
            return queryset.filter(disabled_at__isnull=self.value() == "1")
        return queryset


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "url", "is_active", "consecutive_failures", "disabled_at", "created_at"]
    list_filter = [ActiveFilter, "created_at"]
    search_fields = ["=id", "url", "customer__email"]
    list_select_related = ["customer"]
    fields = _ENDPOINT_FIELDS
    readonly_fields = _ENDPOINT_FIELDS
    show_full_result_count = False
    # Staff may remove an endpoint (its deliveries go with it).
    deletable = True

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Deliveries are the endpoint's log: staff may not delete one on its own, but removing the
        # endpoint removes its log, which asks for no permission of its own.
        perms_needed.discard(WebhookDelivery._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    @admin.display(
        description="is active",
        boolean=True,
        ordering=ExpressionWrapper(Q(disabled_at__isnull=True), output_field=BooleanField()),
    )
    def is_active(self, endpoint):
        return endpoint.is_active

    @admin.display(description="deliveries")
    def delivery_log(self, endpoint):
        url = reverse("admin:webhooks_webhookdelivery_changelist") + f"?endpoint__id__exact={endpoint.pk}"
        return format_html('<a href="{}">The delivery log of this endpoint</a>', url)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    show_full_result_count = False
    list_display = [
        "id",
        "customer",
        "endpoint_url",
        "event_type",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["state", "event_type", "created_at"]
    search_fields = ["=id", "=event_id", "endpoint__url", "endpoint__customer__email"]
    list_select_related = ["endpoint__customer"]
    readonly_fields = ["id", "endpoint", *DELIVERY_RECORD_FIELDS]
    actions = ["retry_now"]

    @admin.display(description="customer")
    def customer(self, delivery):
        return delivery.endpoint.customer

    @admin.display(description="URL")
    def endpoint_url(self, delivery):
        return delivery.endpoint.url[:60]

    @admin.display(description="delivered at")
    def delivered_at(self, delivery):
        # Shown as a date field is: a read-only property would show its repr.
        return display_for_value(delivery.delivered_at, self.get_empty_value_display())

    def has_retry_permission(self, request):
        # The change permission, though nothing of a delivery is edited: retrying sends data out.
        return request.user.has_perm("webhooks.change_webhookdelivery")

    @admin.action(description="Retry the selected deliveries now", permissions=["retry"])
    def retry_now(self, request, queryset):
        queued = services.webhook_deliveries_retry(ids=list(queryset.values_list("pk", flat=True)))
        skipped = "delivered ones and those of disabled endpoints are skipped"
        self.message_user(request, f"{queued} deliveries queued to send now ({skipped}).")
