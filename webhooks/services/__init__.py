"""Webhooks: recording status changes as deliveries, sending them, and the customer's endpoints.

Recording (`recording`) runs inside the orders code's own transaction, in at most two queries
whatever the number of orders, and never makes a network call: polling is never slowed down by a
receiver. Sending (`delivery`) runs in Celery. The database is the truth: a delivery is pending
until an attempt succeeds or the last one fails, and beat picks up whatever the broker lost.
The customer's endpoints (`endpoints`) are what the pages, the REST API and the admin change.
"""

from webhooks.services.delivery import (
    SendReport,
    webhook_deliveries_purge,
    webhook_deliveries_retry,
    webhook_deliveries_send,
)
from webhooks.services.endpoints import (
    WebhookRefused,
    WebhookTestLimited,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_rotate_secret,
    webhook_test_send,
)
from webhooks.services.recording import (
    OrderStatusChange,
    RefillStatusChange,
    StatusChange,
    webhook_events_record,
)

__all__ = [
    "OrderStatusChange",
    "RefillStatusChange",
    "SendReport",
    "StatusChange",
    "WebhookRefused",
    "WebhookTestLimited",
    "webhook_deliveries_purge",
    "webhook_deliveries_retry",
    "webhook_deliveries_send",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_disable",
    "webhook_endpoint_enable",
    "webhook_endpoint_rotate_secret",
    "webhook_events_record",
    "webhook_test_send",
]
