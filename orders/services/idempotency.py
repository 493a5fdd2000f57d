"""Placing an order at most once per idempotency key (Stripe's semantics).

The same key with the same service and parameters answers with the order the first request
placed and places nothing new; the same key with anything else is refused; a refused request
leaves no trace, so it may be retried with its key. Keys belong to a customer: two customers may
use the same key. The REST API (`Idempotency-Key` header) and API v2 (`idempotency_key`) both
come here; the order itself is placed by order_place, the one place that rule lives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from orders.errors import IDEMPOTENCY_KEY_REUSED, OrderRefused, bad_parameter
from orders.models import IdempotencyKey, Order
from orders.services.placing import order_place
from panel.sql import table

MAX_KEY_LENGTH = 255


def _fingerprint(service_id: Any, params: Mapping[str, Any]) -> str:
    """What makes two requests "the same": the service and every order parameter, as sent."""
    body = {"service": str(service_id).strip(), "params": dict(params)}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _checked(key: str) -> str:
    if not key or not key.strip():
        raise bad_parameter("idempotency_key", "is empty")
    if len(key) > MAX_KEY_LENGTH:
        raise bad_parameter("idempotency_key", f"is longer than {MAX_KEY_LENGTH} characters")
    if not key.isprintable():
        raise bad_parameter("idempotency_key", "has control characters")
    return key


def _claim(customer_id: int, key: str, fingerprint: str) -> int | None:
    """Insert the key's row; its id, or None when the key is taken.

    A request holding the same key in an uncommitted transaction makes this INSERT wait until
    that transaction ends: when it committed, the key is taken; when it rolled back (refused),
    the row goes in and this request places its own order.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(IdempotencyKey)} (customer_id, key, fingerprint, created_at) "  # noqa: S608 (our table)
            "VALUES (%s, %s, %s, %s) ON CONFLICT (customer_id, key) DO NOTHING RETURNING id",
            [customer_id, key, fingerprint, timezone.now()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def order_place_idempotent(
    *,
    customer,
    service_id: Any,
    params: Mapping[str, Any],
    key: str | None,
    strict: bool = False,
    ip: str | None = None,
) -> tuple[Order, bool]:
    """Place an order once for `key` (every time when the request has no key). Returns (the order,
    whether it was placed by an earlier request).

    Raises OrderRefused like order_place, and when `key` is malformed or was used with another
    service or other parameters. `strict`: see order_params_parse; `ip`: see order_place.
    """
    if key is None:
        return order_place(
            customer=customer, service_id=service_id, params=params, strict=strict, ip=ip
        ), False
    key = _checked(key)
    fingerprint = _fingerprint(service_id, params)
    with transaction.atomic():
        claimed = _claim(customer.pk, key, fingerprint)
        if claimed is not None:
            order = order_place(customer=customer, service_id=service_id, params=params, strict=strict, ip=ip)
            IdempotencyKey.objects.filter(pk=claimed).update(order=order)
            return order, False
    first = IdempotencyKey.objects.select_related("order").get(customer=customer, key=key)
    # A committed key has its order: both are written in the placing transaction.
    if first.fingerprint != fingerprint:
        raise OrderRefused(IDEMPOTENCY_KEY_REUSED, field="idempotency_key")
    return first.order, True


def idempotency_keys_purge() -> int:
    """Forget keys older than settings.IDEMPOTENCY_KEY_HOURS. Returns how many were deleted."""
    before = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=before).delete()
    return deleted
