"""The customer's support pages. Thin: they read input, call one service function, and render.

Every query is scoped to request.user: another customer's ticket is a 404, never a 403. Messages
are plain text: templates escape them and keep their line breaks (linebreaksbr), never HTML.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from support.forms import ReplyForm, TicketForm
from support.models import Subject, Ticket
from support.selectors import ticket_thread, tickets_of
from support.services import TicketRefused, ticket_close, ticket_mark_read, ticket_open, ticket_reply

TICKETS_PER_PAGE = 25


def _own_ticket(request: HttpRequest, pk: int) -> Ticket:
    return get_object_or_404(Ticket.objects.filter(customer=request.user), pk=pk)


@login_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(tickets_of(request.user), TICKETS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "support/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TicketForm(request.POST)
        form.is_valid()  # every field is optional here: ticket_open decides
        data = request.POST
        try:
            ticket = ticket_open(
                customer=request.user,
                subject=data.get("subject", ""),
                request=data.get("request", ""),
                order_ids=data.get("orders", ""),
                message=data.get("message", ""),
                site_url=request.build_absolute_uri("/"),
            )
        except TicketRefused as refusal:
            form.add_error(refusal.field, refusal.message)
            status = 429 if refusal.retry_after else 400
            return render(request, "support/new.html", {"form": form}, status=status)
        messages.success(request, f"Ticket {ticket.pk} opened. We answer here and by e-mail.")
        return redirect("support:detail", pk=ticket.pk)
    order = (request.GET.get("order") or "").strip()
    initial = {"subject": Subject.ORDER, "orders": order} if order.isdigit() else {}
    return render(request, "support/new.html", {"form": TicketForm(initial=initial)})


@login_required
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _own_ticket(request, pk)
    ticket_mark_read(ticket=ticket, by_staff=False)
    return _thread(request, ticket, ReplyForm())


def _thread(request: HttpRequest, ticket: Ticket, form: ReplyForm, status: int = 200) -> HttpResponse:
    context = {
        "ticket": ticket,
        "thread": ticket_thread(ticket_id=ticket.pk),
        "orders": ticket.orders.order_by("pk").only("pk"),
        "form": form,
    }
    return render(request, "support/detail.html", context, status=status)


@login_required
@require_POST
def ticket_answer(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _own_ticket(request, pk)
    form = ReplyForm(request.POST)
    try:
        ticket_reply(ticket=ticket, customer=request.user, message=request.POST.get("message", ""))
    except TicketRefused as refusal:
        form.add_error("message", refusal.message)
        return _thread(request, ticket, form, status=400)
    messages.success(request, "Reply sent.")
    return redirect("support:detail", pk=ticket.pk)


@login_required
@require_POST
def ticket_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _own_ticket(request, pk)
    if ticket_close(ticket=ticket):
        messages.success(request, f"Ticket {ticket.pk} closed. A reply opens it again.")
    return redirect("support:detail", pk=ticket.pk)
