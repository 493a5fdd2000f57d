"""Failover (docs/provider.md, "Failover"): an order its provider refused for a reason that may
pass (its balance, its rate limit), or could not reach for the provider's `failover_after`, goes to
its service's backup at another provider, once, at the customer's price. That provider saw nothing
of it or placed nothing, so it cannot be bought twice; an order whose `add` may have been acted on
(`maybe_placed`) never moves. Nothing moves money here: the cost polling reads is information.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

from catalog.models import Service
from orders.models import Order, OrderEvent, Submission
from provider.statuses import RefusalKind

log = logging.getLogger(__name__)

# Refusals that say the provider, not the order, is the trouble for now: the order fails over.
FAILOVER_REFUSALS = frozenset({RefusalKind.FUNDS, RefusalKind.RATE_LIMIT})


def order_backup(*, order: Order) -> Service | None:
    """The service `order` may fail over to now, or None. Only an order still at its own service's
    provider and never left without a clear answer (it may be placed there); only to an enabled
    backup at an active provider that is not failing too, whose bounds take the order's quantity."""
    service = order.service
    if order.served_by_id is not None or order.maybe_placed or service.backup_service_id is None:
        return None
    backup = (
        Service.objects.select_related("provider")
        .filter(pk=service.backup_service_id, type=service.type, enabled=True, dropped_at__isnull=True)
        .filter(provider__is_active=True, provider__unreachable_since__isnull=True)
        .exclude(provider_id=order.provider_id)
        .first()
    )
    quantity = order.params.get("quantity")
    if backup is None or (
        quantity is not None and not backup.min_quantity <= int(quantity) <= backup.max_quantity
    ):
        return None
    return backup


def order_fail_over(*, order: Order, backup: Service, reason: str) -> bool:
    """Moves a claimed order to `backup`'s provider, queued there at once; the customer's price and
    charge stay as they are (the cost polling reads is the backup's). False: the order was no longer
    this worker's to move (settled meanwhile)."""
    from orders.tasks import forward_orders

    with transaction.atomic():
        # The conditional update is the claim: only the worker holding it, only once.
        updated = Order.objects.filter(
            pk=order.pk, submission=Submission.SENDING, served_by__isnull=True, maybe_placed=False
        ).update(
            submission=Submission.QUEUED,
            provider_id=backup.provider_id,
            served_by=backup,
            next_attempt_at=None,
            claimed_at=None,
            error=reason,
        )
        if updated:
            message = (
                f"{reason}; sent to the backup, {backup.provider.name}'s service {backup.provider_service_id}"
            )
            OrderEvent.objects.create(order=order, message=message[:500])
            transaction.on_commit(partial(forward_orders.delay, backup.provider_id))
    if updated:
        log.warning("order %s fails over to service %s: %s", order.pk, backup.pk, reason)
    return bool(updated)
