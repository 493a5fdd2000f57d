"""Opening a ticket, the thread's replies both ways, closing: the rules of support/ in one place."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import staff_alert_send
from orders.models import Order
from panel.emails import customer_email_send
from panel.ratelimit import rate_limit_check, rate_limit_hit
from support.models import Message, Request, Subject, Ticket, TicketState

log = logging.getLogger(__name__)

MAX_BODY = 5000
MAX_ORDERS = 20
# Tickets a customer may have open or answered at once: one more waits until one is closed.
MAX_OPEN_TICKETS = 10
_RATE_SCOPE = "support-open"


class TicketRefused(Exception):
    """Input the ticket services refuse, with a message for people; `field` names the input at
    fault; `retry_after` (seconds) when it is the rate limit."""

    def __init__(self, message: str, *, field: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message, self.field, self.retry_after = message, field, retry_after


def _body(text: str | None) -> str:
    body = (text or "").strip()
    if not body:
        raise TicketRefused("Write a message.", field="message")
    if len(body) > MAX_BODY:
        raise TicketRefused(f"A message is at most {MAX_BODY} characters.", field="message")
    return body


def _order_ids(raw: str | Iterable[object] | None) -> list[int]:
    """Order ids as a customer types them ("12, 13 14") or a list; refused unless all are numbers."""
    parts = re.split(r"[\s,;]+", raw.strip()) if isinstance(raw, str) else [str(part) for part in raw or []]
    ids: list[int] = []
    for part in filter(None, parts):
        if not part.isdigit() or len(part) > 18:
            raise TicketRefused(f"“{part[:20]}” is not an order id.", field="orders")
        if int(part) not in ids:
            ids.append(int(part))
    if len(ids) > MAX_ORDERS:
        raise TicketRefused(f"At most {MAX_ORDERS} orders a ticket.", field="orders")
    return ids


def _own_orders(customer, ids: list[int]) -> list[Order]:
    orders = list(Order.objects.filter(customer=customer, pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {order.pk for order in orders})
    if missing:
        # Another customer's order is the same as none: nothing says it exists.
        listed = ", ".join(str(pk) for pk in missing)
        raise TicketRefused(f"You have no order {listed}.", field="orders")
    return orders


def ticket_open(
    *,
    customer,
    subject: str,
    message: str,
    request: str = "",
    order_ids: str | Iterable[object] | None = None,
    site_url: str,
) -> Ticket:
    """Open a ticket with its first message; the admins are e-mailed after the commit, with the
    link to the ticket's page in the admin on `site_url` (the address the customer came to).
    Raises TicketRefused and changes nothing on bad input, on the rate limit
    (SUPPORT_TICKETS_PER_MINUTE) and past MAX_OPEN_TICKETS."""
    who, per_minute = str(customer.pk), settings.SUPPORT_TICKETS_PER_MINUTE
    if (wait := rate_limit_check(scope=_RATE_SCOPE, who=who, per_minute=per_minute)) is not None:
        raise TicketRefused(f"Too many new tickets; try again in {wait} seconds.", retry_after=wait)
    if subject not in Subject.values:
        raise TicketRefused("Choose a subject.", field="subject")
    orders: list[Order] = []
    if subject == Subject.ORDER:
        if not request or request not in Request.values:
            raise TicketRefused("Choose what you ask for.", field="request")
        ids = _order_ids(order_ids)
        if not ids:
            raise TicketRefused("Give the ids of the orders this is about.", field="orders")
        orders = _own_orders(customer, ids)
    else:
        request = Request.NONE
    body = _body(message)
    open_count = Ticket.objects.filter(customer=customer).exclude(state=TicketState.CLOSED).count()
    if open_count >= MAX_OPEN_TICKETS:
        raise TicketRefused(
            f"You have {open_count} tickets open: close one that is settled before opening another."
        )
    if (wait := rate_limit_hit(scope=_RATE_SCOPE, who=who, per_minute=per_minute)) is not None:
        raise TicketRefused(f"Too many new tickets; try again in {wait} seconds.", retry_after=wait)
    with transaction.atomic():
        ticket = Ticket.objects.create(customer=customer, subject=subject, request=request)
        ticket.orders.set(orders)
        Message.objects.create(ticket=ticket, author=customer, body=body)
        transaction.on_commit(
            lambda: _tell_admins(ticket=ticket, orders=orders, body=body, site_url=site_url), robust=True
        )
    return ticket


def _link(site_url: str, path: str) -> str:
    return f"{site_url.rstrip('/')}{path}"


def _tell_admins(*, ticket: Ticket, orders: list[Order], body: str, site_url: str) -> None:
    thread_url = _link(site_url, reverse("admin:support_ticket_change", args=[ticket.pk]))
    about = f"Orders: {', '.join(str(order.pk) for order in orders)}\n" if orders else ""
    # The admins' mail, and Telegram where a bot is configured (notifications.staff_alert_send).
    staff_alert_send(
        subject=f"New support ticket {ticket.pk}: {ticket.title}",
        text=f"{ticket.customer.email} opened ticket {ticket.pk} ({ticket.title}).\n{about}\n{body}\n\n"
        f"Answer it: {thread_url}\n",
    )


def _locked(ticket: Ticket) -> Ticket:
    # One reply at a time per ticket: the state and the unread flags follow the last one.
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def ticket_reply(*, ticket: Ticket, customer, message: str) -> Message:
    """The customer's reply: the ticket is open again (a closed one reopens) and unread by staff."""
    body = _body(message)
    with transaction.atomic():
        locked = _locked(ticket)
        reply = Message.objects.create(ticket=locked, author=customer, body=body)
        Ticket.objects.filter(pk=locked.pk).update(
            state=TicketState.OPEN, unread_by_staff=True, last_message_at=reply.created_at
        )
    ticket.refresh_from_db()
    return reply


def ticket_staff_reply(*, ticket: Ticket, staff, message: str, site_url: str) -> Message:
    """Staff's reply: the ticket is answered (a closed one reopens) and unread by the customer, who
    is e-mailed after the commit with the link to the ticket's page on `site_url`."""
    body = _body(message)
    with transaction.atomic():
        locked = _locked(ticket)
        reply = Message.objects.create(ticket=locked, author=staff, from_staff=True, body=body)
        Ticket.objects.filter(pk=locked.pk).update(
            state=TicketState.ANSWERED,
            unread_by_customer=True,
            unread_by_staff=False,
            last_message_at=reply.created_at,
        )
        transaction.on_commit(
            lambda: _tell_customer(ticket=locked, body=body, site_url=site_url), robust=True
        )
    ticket.refresh_from_db()
    return reply


def _tell_customer(*, ticket: Ticket, body: str, site_url: str) -> None:
    thread_url = _link(site_url, reverse("support:detail", args=[ticket.pk]))
    try:
        customer_email_send(
            to=ticket.customer.email,
            subject=f"Reply to your ticket {ticket.pk}: {ticket.title}",
            body=f"{body}\n\nRead the thread and answer: {thread_url}\n",
        )
    except Exception:  # the reply is on the ticket's page either way
        log.exception("ticket %s: the customer could not be e-mailed the staff's reply", ticket.pk)


def ticket_close(*, ticket: Ticket) -> bool:
    """Close the ticket (its customer's or staff's); False when it was closed already."""
    closed = (
        Ticket.objects.filter(pk=ticket.pk)
        .exclude(state=TicketState.CLOSED)
        .update(state=TicketState.CLOSED, unread_by_staff=False, last_message_at=timezone.now())
    )
    ticket.refresh_from_db()
    return bool(closed)


def ticket_mark_read(*, ticket: Ticket, by_staff: bool) -> None:
    """The reader has seen the thread: its side's unread flag goes (one UPDATE, only when set)."""
    field = "unread_by_staff" if by_staff else "unread_by_customer"
    if getattr(ticket, field):
        Ticket.objects.filter(pk=ticket.pk, **{field: True}).update(**{field: False})
        setattr(ticket, field, False)
