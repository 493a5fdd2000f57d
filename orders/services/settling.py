"""How a final answer settles an order of each service type: the status it ends in and what it
refunds (docs/design.md, "Settling each type"). Polling applies it; nothing here writes.

Every refund is a share of the order's own charge, rounded down, never more than is left. The
share is the undelivered units (`remains` of the units charged), except where the units charged
are not the provider's: a package is charged as one unit however many it delivers, so its share
is what the provider did not bill us of what it first billed (its `charge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billing.money import refund_for
from catalog.models import ServiceType
from orders.models import Order
from provider.client import OrderStatusResult
from provider.statuses import OrderStatus

ZERO = Decimal(0)


@dataclass(frozen=True)
class Settlement:
    status: OrderStatus
    refund: Decimal  # of the order's own charge, in the panel's currency; 0 for a non-final status


def order_settlement(
    *,
    order: Order,
    service_type: ServiceType,
    answer: OrderStatusResult,
    billed_first: Decimal | None,
    factor: Decimal,
) -> Settlement | None:
    """What `answer` (readable) settles `order` in, or None when it cannot be told yet: a Partial
    whose undelivered share the answer does not give (the order waits for one that does).

    `billed_first` is what the provider billed for the order before any refund, in the panel's
    currency (the `charge` it showed on an earlier poll, else the service's cost), when known.
    """
    status = answer.status
    if status is None:  # the caller reads unreadable answers first
        return None
    remains = None if answer.remains is None else min(answer.remains, order.quantity)
    if service_type == ServiceType.SUBSCRIPTIONS:
        # A subscription canceled or expired after serving some posts keeps what it served: the
        # unserved posts (`remains` of max x posts) are refunded, as for a Partial.
        if status == OrderStatus.CANCELED and remains is not None and remains < order.quantity:
            status = OrderStatus.PARTIAL
        if status == OrderStatus.PARTIAL and remains == 0:
            status = OrderStatus.COMPLETED  # expired with every post served
    left = order.charge - order.refunded
    if status == OrderStatus.CANCELED:
        return Settlement(status, left)
    if status != OrderStatus.PARTIAL:
        return Settlement(status, ZERO)
    refund = None
    if service_type.is_package:
        refund = _unbilled_share(order, answer, billed_first, factor)
        if refund is None and remains is not None and (answer.remains or 0) <= order.quantity:
            # A provider that counts the package as one unit, as we do: 1 left is all of it.
            refund = _undelivered_share(order, remains)
    elif remains is not None:
        refund = _undelivered_share(order, remains)
    return None if refund is None else Settlement(status, refund)


def _undelivered_share(order: Order, remains: int) -> Decimal:
    return refund_for(
        order.charge, undelivered=remains, ordered=order.quantity, already_refunded=order.refunded
    )


def _unbilled_share(
    order: Order, answer: OrderStatusResult, billed_first: Decimal | None, factor: Decimal
) -> Decimal | None:
    """The share of our charge the provider did not bill of its first charge, or None if unknown."""
    if answer.charge is None or not billed_first or billed_first <= 0:
        return None
    billed = min(answer.charge * factor, billed_first)
    return refund_for(
        order.charge, undelivered=billed_first - billed, ordered=billed_first, already_refunded=order.refunded
    )
