"""The staff's support desk in the admin: the tickets list, and each ticket's page with its thread
(oldest first), a reply box with the canned replies, and its orders with one-click Refill and Cancel
(the orders' own services, as the customer would ask; permission `orders.request_refill_cancel`)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from orders.errors import OrderRefused
from panel.admin_parts import cut_short, short_time
from support.forms import StaffReplyForm
from support.models import CannedReply, Ticket
from support.selectors import ticket_orders, ticket_thread
from support.services import (
    TicketRefused,
    ticket_close,
    ticket_mark_read,
    ticket_order_cancel,
    ticket_order_refill,
    ticket_staff_reply,
)

REPLY_PERMISSION = "support.reply_ticket"
# The orders admin's operations ask the same (orders.admin.OrderAdmin._operation).
ORDER_PERMISSION = "orders.request_refill_cancel"


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "title_shown", "customer_shown", "state", "unread_shown", "last_shown"]
    list_filter = ["state", "unread_by_staff", "subject", "request"]
    search_fields = ["=id", "customer__email", "=orders__id"]
    list_select_related = ["customer"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # customers open tickets; staff answer them

    def has_change_permission(self, request, obj=None):
        return False  # a ticket changes only through its thread's reply and close buttons

    @admin.display(description="ticket")
    def title_shown(self, ticket):
        return ticket.title

    @admin.display(description="customer", ordering="customer__email")
    def customer_shown(self, ticket):
        return cut_short(ticket.customer.email, 30)

    @admin.display(description="new message", boolean=True, ordering="unread_by_staff")
    def unread_shown(self, ticket):
        return ticket.unread_by_staff

    @admin.display(description="last message", ordering="last_message_at")
    def last_shown(self, ticket):
        return short_time(ticket.last_message_at)

    def get_urls(self):
        own = [
            path(
                "<int:ticket_id>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="support_ticket_reply",
            ),
            path(
                "<int:ticket_id>/close/",
                self.admin_site.admin_view(self.close_view),
                name="support_ticket_close",
            ),
            path(
                "<int:ticket_id>/orders/<int:order_id>/<str:operation>/",
                self.admin_site.admin_view(self.order_view),
                name="support_ticket_order",
            ),
        ]
        return own + super().get_urls()

    def _ticket(self, request: HttpRequest, ticket_id, permission: str | None = None) -> Ticket:
        if not self.has_view_permission(request) or (permission and not request.user.has_perm(permission)):
            raise PermissionDenied
        return get_object_or_404(Ticket.objects.select_related("customer"), pk=ticket_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self._ticket(request, object_id)
        ticket_mark_read(ticket=ticket, by_staff=True)
        return self._page(request, ticket, StaffReplyForm())

    def _page(
        self, request: HttpRequest, ticket: Ticket, form: StaffReplyForm, status: int = 200
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": f"Ticket {ticket.pk}: {ticket.title}",
            "ticket": ticket,
            "thread": ticket_thread(ticket_id=ticket.pk),
            "orders": ticket_orders(ticket),
            "form": form,
            "canned": CannedReply.objects.all(),
            "can_reply": request.user.has_perm(REPLY_PERMISSION),
            "can_operate": request.user.has_perm(ORDER_PERMISSION),
            "opts": self.model._meta,
            "original": ticket,
        }
        return render(request, "admin/support/ticket/thread.html", context, status=status)

    def _back(self, ticket: Ticket) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:support_ticket_change", args=[ticket.pk]))

    @method_decorator(require_POST)
    def reply_view(self, request, ticket_id):
        ticket = self._ticket(request, ticket_id, REPLY_PERMISSION)
        form = StaffReplyForm(request.POST)
        try:
            ticket_staff_reply(
                ticket=ticket,
                staff=request.user,
                message=form.message_or_canned(),
                site_url=request.build_absolute_uri("/"),
            )
        except TicketRefused as refusal:
            form.add_error("message", refusal.message)
            return self._page(request, ticket, form, status=400)
        if request.POST.get("close"):
            ticket_close(ticket=ticket)
        self.log_change(request, ticket, "Replied" + (" and closed" if request.POST.get("close") else ""))
        self.message_user(request, f"Reply sent to {ticket.customer.email}.")
        return self._back(ticket)

    @method_decorator(require_POST)
    def close_view(self, request, ticket_id):
        ticket = self._ticket(request, ticket_id, REPLY_PERMISSION)
        if ticket_close(ticket=ticket):
            self.log_change(request, ticket, "Closed")
            self.message_user(request, f"Ticket {ticket.pk} closed.")
        return self._back(ticket)

    @method_decorator(require_POST)
    def order_view(self, request, ticket_id, order_id, operation):
        ticket = self._ticket(request, ticket_id, ORDER_PERMISSION)
        run = {"refill": ticket_order_refill, "cancel": ticket_order_cancel}.get(operation)
        if run is None:
            raise PermissionDenied
        try:
            run(ticket=ticket, order_id=order_id, staff=request.user)
        except OrderRefused as refusal:
            self.message_user(request, f"Order {order_id}: {refusal.message}", messages.ERROR)
        else:
            self.log_change(request, ticket, f"{operation.capitalize()} of order {order_id} asked")
            self.message_user(request, f"Order {order_id}: {operation} asked.")
        return self._back(ticket)


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "body_shown"]
    search_fields = ["title", "body"]

    @admin.display(description="reply")
    def body_shown(self, canned):
        return cut_short(canned.body, 90)
