"""Customers' e-mail notifications and the staff's alerts."""

from notifications.services.alerts import staff_alert_send, telegram_alert_send
from notifications.services.digest import digest_body, notices_purge, notices_send
from notifications.services.preferences import preferences_of, preferences_update
from notifications.services.recording import (
    notices_record_low_balances,
    notices_record_orders,
    notices_record_payment,
    notices_send_soon,
)

__all__ = [
    "digest_body",
    "notices_purge",
    "notices_record_low_balances",
    "notices_record_orders",
    "notices_record_payment",
    "notices_send",
    "notices_send_soon",
    "preferences_of",
    "preferences_update",
    "staff_alert_send",
    "telegram_alert_send",
]
