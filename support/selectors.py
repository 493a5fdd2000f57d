"""Reads of tickets, for the pages, the admin and the REST API; they never write."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from orders.models import Order
from orders.selectors import customer_orders, decorate, order_cancel_refusal, order_refill_refusal
from support.models import Message, Ticket


def tickets_of(customer) -> QuerySet[Ticket]:
    """The customer's tickets, latest message first (the index ticket_customer_recent), with their
    orders' ids (one more query for a whole page)."""
    return Ticket.objects.filter(customer=customer).prefetch_related(
        Prefetch("orders", queryset=Order.objects.only("pk").order_by("pk"))
    )


def ticket_thread(*, ticket_id: int) -> QuerySet[Message]:
    """The ticket's messages, oldest first, with their authors."""
    return Message.objects.filter(ticket_id=ticket_id).select_related("author").order_by("id")


def tickets_unread_count(*, customer_id: int) -> int:
    """How many of the customer's tickets have a staff reply they have not opened (one query, on
    the partial index ticket_unread_by_customer): the menu's badge."""
    return Ticket.objects.filter(customer_id=customer_id, unread_by_customer=True).count()


def ticket_orders(ticket: Ticket) -> list[Order]:
    """The ticket's orders as their customer's pages show them (orders.selectors.decorate: the
    status they see, whether a refill or a cancel can be asked, and why not), in one query."""
    linked = customer_orders(ticket.customer_id).filter(tickets=ticket).order_by("pk")
    return [_with_refusals(decorate(order)) for order in linked]


def _with_refusals(order: Order) -> Order:
    # (operation, why it cannot be asked now or None), as the ticket's admin page lists them.
    order.operations = [
        ("refill", order_refill_refusal(order, refill_open=order.refill_open)),
        ("cancel", order_cancel_refusal(order)),
    ]
    return order
