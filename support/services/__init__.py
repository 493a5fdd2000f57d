"""The support desk's services: tickets (customers and staff) and staff's operations on their orders."""

from support.services.staff import ticket_order_cancel, ticket_order_refill
from support.services.tickets import (
    MAX_BODY,
    MAX_OPEN_TICKETS,
    MAX_ORDERS,
    TicketRefused,
    ticket_close,
    ticket_mark_read,
    ticket_open,
    ticket_reply,
    ticket_staff_reply,
)

__all__ = [
    "MAX_BODY",
    "MAX_OPEN_TICKETS",
    "MAX_ORDERS",
    "TicketRefused",
    "ticket_close",
    "ticket_mark_read",
    "ticket_open",
    "ticket_order_cancel",
    "ticket_order_refill",
    "ticket_reply",
    "ticket_staff_reply",
]
