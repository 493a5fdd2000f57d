"""Staff's one-click operations on a ticket's orders: the orders' own refill and cancel services,
run for the ticket's customer (orders.services.cancels_refills), never reimplemented here."""

from __future__ import annotations

from orders.errors import INCORRECT_ORDER, OrderRefused
from orders.models import Order, Refill
from orders.services.cancels_refills import order_request_cancel, order_request_refill
from support.models import Ticket


def _linked(ticket: Ticket, order_id: int) -> Order:
    # Only an order the ticket is about: staff cannot reach another customer's order through it.
    order = ticket.orders.filter(pk=order_id, customer_id=ticket.customer_id).first()
    if order is None:
        raise OrderRefused(INCORRECT_ORDER, field="order")
    return order


def ticket_order_refill(*, ticket: Ticket, order_id: int, staff) -> Refill:
    """A refill of one of the ticket's orders, asked by `staff` for its customer; raises OrderRefused."""
    order = _linked(ticket, order_id)
    return order_request_refill(customer=ticket.customer, order_id=order.pk, staff=staff)


def ticket_order_cancel(*, ticket: Ticket, order_id: int, staff) -> Order:
    """A cancel of one of the ticket's orders, asked by `staff` for its customer; raises OrderRefused."""
    order = _linked(ticket, order_id)
    return order_request_cancel(customer=ticket.customer, order_id=order.pk, staff=staff)
