"""What a customer sees of an order and its refills, for the pages, API v2 and the REST API alike."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from orders.models import Order, Refill, Submission
from provider.statuses import OrderStatus

# The columns order_progress reads: load only these when many orders are shown.
PROGRESS_FIELDS = ("pk", "status", "submission", "charge", "refunded", "quantity", "start_count", "remains")


def refills_of(customer) -> QuerySet[Refill]:
    """The refills of the customer's orders: all a customer may see of refills (the refills page,
    API v2's `refill_status`, the REST API)."""
    return Refill.objects.filter(order__customer=customer)


@dataclass(frozen=True)
class OrderProgress:
    status: OrderStatus
    # What the customer paid in the end: the charge less refunds, panel currency.
    charged: Decimal
    # None until the provider tells.
    start_count: int | None
    # Units not yet delivered: the provider's figure, never negative; the whole order until known.
    remains: int


def order_progress(order: Order) -> OrderProgress:
    """The customer-facing status, charge and remains of `order`.

    Only the provider's word moves an order past Pending: queued, sending, or unknown to us
    whether the provider has it, an order is not yet under way.
    """
    if order.submission == Submission.SENT:
        status = OrderStatus(order.status)
    elif order.submission == Submission.REJECTED or order.status == OrderStatus.CANCELED:
        status = OrderStatus.CANCELED
    else:
        status = OrderStatus.PENDING
    if order.remains is not None:
        remains = order.remains
    elif status == OrderStatus.COMPLETED:
        remains = 0
    else:
        remains = order.quantity
    return OrderProgress(
        status=status,
        charged=order.charge - order.refunded,
        start_count=order.start_count,
        remains=max(remains, 0),
    )


def orders_in_status(orders: QuerySet[Order], status: OrderStatus) -> QuerySet[Order]:
    """The orders among `orders` whose order_progress status is `status`, told in SQL."""
    sent, rejected = Q(submission=Submission.SENT), Q(submission=Submission.REJECTED)
    if status == OrderStatus.CANCELED:
        return orders.filter(rejected | Q(status=OrderStatus.CANCELED))
    if status == OrderStatus.PENDING:
        not_sent = ~sent & ~rejected & ~Q(status=OrderStatus.CANCELED)
        return orders.filter((sent & Q(status=OrderStatus.PENDING)) | not_sent)
    return orders.filter(sent, status=status)
