"""Recording events: one delivery per status change and active endpoint, sent on commit.

Runs inside the caller's transaction and never makes a network call.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing.money import amount_text
from orders.models import Order, Refill
from orders.selectors import order_progress
from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True)
class OrderStatusChange:
    """`order` (as it is now, every field loaded) moved from the customer-facing `previous_status`."""

    order: Order
    previous_status: str


@dataclass(frozen=True)
class RefillStatusChange:
    refill: Refill
    previous_status: str


StatusChange = OrderStatusChange | RefillStatusChange


def _order_id(change: StatusChange) -> int:
    return change.order.pk if isinstance(change, OrderStatusChange) else change.refill.order_id


def event_new(event_type: EventType, data: dict[str, Any], now: datetime) -> tuple[uuid.UUID, dict[str, Any]]:
    """A new event's id and the payload sent for it (the same to every endpoint, on every attempt)."""
    event_id = uuid.uuid4()
    return event_id, {"id": str(event_id), "type": event_type.value, "created": now.isoformat(), "data": data}


def _data_of(change: StatusChange) -> tuple[EventType, dict[str, Any]]:
    if isinstance(change, RefillStatusChange):
        refill = change.refill
        data = {"refill": refill.pk, "order": refill.order_id, "status": refill.status}
        return EventType.REFILL_STATUS_CHANGED, {**data, "previous_status": change.previous_status}
    # What API v2's `status` and the REST API show of the order (orders.selectors).
    progress = order_progress(change.order)
    return EventType.ORDER_STATUS_CHANGED, {
        "order": change.order.pk,
        "status": progress.status.value,
        "previous_status": change.previous_status,
        "charge": amount_text(progress.charged),
        "currency": settings.PANEL_CURRENCY,
        "start_count": progress.start_count,
        "remains": progress.remains,
    }


def webhook_events_record(*, changes: Sequence[StatusChange]) -> list[int]:
    """Record one delivery per change and active endpoint of the order's customer; returns their ids.

    Called inside the caller's transaction (the deliveries exist if and only if the changes
    were committed), in two queries whatever the number of changes, none without changes.
    Sending is queued on commit, one task for them all.
    """
    if not changes:
        return []
    # One query: the active endpoints of the customers of these orders, with each order id.
    endpoints: dict[int, list[int]] = defaultdict(list)
    rows = (
        WebhookEndpoint.objects.filter(
            disabled_at__isnull=True, customer__orders__in={_order_id(change) for change in changes}
        )
        .values_list("customer__orders", "pk")
        .order_by()
    )
    for order_id, endpoint_id in rows:
        endpoints[order_id].append(endpoint_id)
    if not endpoints:
        return []
    now = timezone.now()
    deliveries = []
    for change in changes:
        receivers = endpoints.get(_order_id(change))
        if not receivers:
            continue
        event_type, data = _data_of(change)
        event_id, payload = event_new(event_type, data, now)
        deliveries += [
            WebhookDelivery(
                endpoint_id=endpoint_id,
                event_id=event_id,
                event_type=event_type,
                payload=payload,
                next_attempt_at=now,
            )
            for endpoint_id in receivers
        ]
    ids = [delivery.pk for delivery in WebhookDelivery.objects.bulk_create(deliveries)]
    send_on_commit(ids)
    return ids


def send_on_commit(ids: list[int]) -> None:
    """Queue the sending of these deliveries once the caller's transaction commits."""
    from webhooks.tasks import deliver_webhooks  # webhooks.tasks imports this package

    def send_deliveries() -> None:
        deliver_webhooks.delay(ids)

    # robust: a broker that is down must not fail the caller's (already committed) work; the
    # deliveries are in the database and beat sends them.
    transaction.on_commit(send_deliveries, robust=True)
