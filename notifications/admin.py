"""Notifications in the admin, read-only: what each customer chose and what was sent to them."""

from __future__ import annotations

from django.contrib import admin

from notifications.models import Notice, Preferences
from panel.admin_parts import ReadOnlyAdmin


@admin.register(Preferences)
class PreferencesAdmin(ReadOnlyAdmin):
    list_display = [
        "customer", "order_completed", "order_partial", "order_canceled", "payment_credited",
        "low_balance_below", "low_balance_told", "updated_at",
    ]  # fmt: skip
    list_filter = [
        "order_completed", "order_partial", "order_canceled", "payment_credited", "low_balance_told",
    ]  # fmt: skip
    search_fields = ["customer__email"]
    list_select_related = ["customer"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = [
        "id", "customer", "kind", "order", "payment", "created_at", "sent_at", "attempts", "failed",
    ]  # fmt: skip
    list_filter = ["kind", "failed", "created_at"]
    search_fields = ["=id", "customer__email", "=order__id"]
    list_select_related = ["customer", "order", "payment"]
    raw_id_fields = ["customer", "order", "payment"]
    show_full_result_count = False
    # Old notices are purged by beat (NOTIFICATIONS_KEEP_DAYS); staff may delete too.
    deletable = True
