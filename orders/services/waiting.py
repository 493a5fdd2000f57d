"""Orders waiting for their link (docs/design.md rule 1): placed while another customer's active
order held the same (service, link), which the provider would refuse, so not sent until it is final.

Released one per link, oldest first: the released order holds the link in its turn. Polling
releases the links of the orders it makes final, at once; the sweeper releases any other free link
within a minute (an order canceled or rejected before it was sent, an admin's cancel, a holder that
went final while a waiting order was being placed and was not yet visible to polling).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from orders.models import FINAL, Order, OrderEvent, Submission


def orders_release_waiting(*, links: Iterable[tuple[int, str]] | None = None) -> list[int]:
    """Queue the oldest waiting order of each free (service id, link), among `links` or all.

    Returns the ids queued; the caller queues their submit task once its transaction commits.
    """
    waiting = Order.objects.filter(submission=Submission.WAITING).exclude(status__in=FINAL)
    if links is not None:
        pairs = set(links)
        if not pairs:
            return []
        waiting = waiting.filter(reduce(or_, (Q(service_id=service, link=link) for service, link in pairs)))
    # A link is free when no active order on it is past waiting (queued, sending, sent, unknown).
    holders = (
        Order.objects.filter(service_id=OuterRef("service_id"), link=OuterRef("link"))
        .exclude(status__in=FINAL)
        .exclude(submission=Submission.WAITING)
    )
    ids = list(
        waiting.exclude(Exists(holders))
        .order_by("service_id", "link", "id")
        .distinct("service_id", "link")
        .values_list("id", flat=True)
    )
    if not ids:
        return []
    with transaction.atomic():
        # Still waiting, under its lock: an order its customer is canceling is left to that cancel.
        ids = list(
            Order.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, submission=Submission.WAITING)
            .values_list("id", flat=True)
        )
        Order.objects.filter(pk__in=ids).update(
            submission=Submission.QUEUED, next_attempt_at=None, updated_at=timezone.now()
        )
        OrderEvent.objects.bulk_create(
            OrderEvent(order_id=order_id, message="The link is free: queued for the provider")
            for order_id in ids
        )
    return ids
