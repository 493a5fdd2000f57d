from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from audit.admin import AuditedAdmin
from audit.models import AuditKind
from billing.models import LedgerEntry
from billing.money import money_display
from orders.errors import OrderRefused
from orders.models import FINAL, Order, OrderEvent, Refill, Submission
from orders.services import by_hand, operations, polling
from orders.services.forwarding import SENDING_TIMEOUT
from panel.admin_parts import ReadOnlyInline, cut_short, short_time
from provider.models import Provider
from provider.statuses import OrderStatus


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("all", "Everything needing attention"),
            ("unknown", "Outcome unknown"),
            ("rejected", "Rejected by the provider"),
            ("flagged", "Flagged"),
            ("stuck", "Stuck (sending too long, or retrying)"),
        ]

    def queryset(self, request, queryset):
        stuck = Q(submission=Submission.SENDING, claimed_at__lt=timezone.now() - SENDING_TIMEOUT) | Q(
            submission=Submission.QUEUED, submit_attempts__gt=0
        )
        conditions = {
            "unknown": Q(submission=Submission.UNKNOWN),
            "rejected": Q(submission=Submission.REJECTED) & ~Q(error="Canceled before sending"),
            "flagged": Q(flagged=True),
            "stuck": stuck,
        }
        if self.value() == "all":
            return queryset.filter(conditions["unknown"] | conditions["flagged"] | stuck)
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return queryset


class ManualQueueFilter(admin.SimpleListFilter):
    """The staff's queue: orders of manual services, which no provider delivers."""

    title = "manual queue"
    parameter_name = "manual"

    def lookups(self, request, model_admin):
        return [("open", "Manual queue: to do"), ("all", "Manual: every order")]

    def queryset(self, request, queryset):
        manual = queryset.filter(submission=Submission.MANUAL)
        if self.value() == "open":
            # Oldest first: the queue is worked in the order customers placed.
            return manual.exclude(status__in=FINAL).order_by("id")
        if self.value() == "all":
            return manual
        return queryset


class OrderPart(ReadOnlyInline):
    """Part of the order's page, never edited there: whoever may view the order sees it."""

    view_permission = "orders.view_order"


class LedgerInline(OrderPart):
    model = LedgerEntry
    fields = ["created_at", "kind", "amount", "balance_after", "reason", "created_by"]
    verbose_name_plural = "ledger entries"


class EventInline(OrderPart):
    model = OrderEvent
    fields = ["at", "message", "actor"]
    verbose_name_plural = "history"


class AttachForm(forms.Form):
    provider_order_id = forms.IntegerField(min_value=1, label="The provider's order id")


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class SettleForm(forms.Form):
    """Completed, Partial with what was delivered, or Canceled (orders.services.by_hand)."""

    outcome = forms.ChoiceField(
        choices=[(status.value, status.label) for status in by_hand.OUTCOMES],
        widget=forms.RadioSelect,
        help_text="Completed refunds nothing; Partial refunds the undelivered share; Canceled refunds all.",
    )
    delivered = forms.IntegerField(
        required=False,
        min_value=1,
        label="Delivered (for Partial)",
        help_text="How many units were delivered: more than 0 and less than the order's quantity.",
    )
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == OrderStatus.PARTIAL and data.get("delivered") is None:
            self.add_error("delivered", "Say how many units were delivered.")
        return data


class ManualSettleForm(SettleForm):
    reason = forms.CharField(
        max_length=300, required=False, label="Note", widget=forms.Textarea(attrs={"rows": 2})
    )


class StartForm(forms.Form):
    """No field: the button alone (a POST with its CSRF token)."""


class ResendForm(forms.Form):
    confirm = forms.BooleanField(
        label=(
            "I checked at the provider: this order was NOT placed there, "
            "and sending it again cannot buy it twice."
        )
    )


# What staff's operations on an order change: the trail records these before and after.
AUDITED_ORDER_FIELDS = ("status", "submission", "provider_order_id", "remains", "refunded", "flagged")


@admin.register(Order)
class OrderAdmin(AuditedAdmin):
    # Fits a 1280 px screen beside the filters (tests/browser): long texts cut short, money as
    # money_display writes it, the provider's side in the status column only when it matters.
    list_display = [
        "id",
        "customer_shown",
        "service_name",
        "link_short",
        "quantity",
        "charge_shown",
        "margin_shown",
        "served_by_shown",
        "status_shown",
        "created_shown",
    ]
    list_filter = [
        NeedsAttentionFilter,
        ManualQueueFilter,
        "status",
        "submission",
        "flagged",
        ("provider", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    search_fields = ["=id", "link", "=provider_order_id", "customer__email"]
    list_select_related = ["customer", "service", "provider"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [*(field.name for field in Order._meta.fields), "margin_shown"]
    inlines = [LedgerInline, EventInline]
    actions = ["poll_now"]
    change_form_template = "admin/orders/order/change_form.html"
    audit_fields = dict.fromkeys(AUDITED_ORDER_FIELDS, AuditKind.ORDER)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="customer", ordering="customer__email")
    def customer_shown(self, order):
        return cut_short(order.customer.email, 22)

    @admin.display(description="service")
    def service_name(self, order):
        return cut_short(order.service.name, 26)

    @admin.display(description="link")
    def link_short(self, order):
        return cut_short(order.link, 28)

    @admin.display(description="charge", ordering="charge")
    def charge_shown(self, order):
        if not order.refunded:
            return money_display(order.charge)
        return format_html("{}<br>{} refunded", money_display(order.charge), money_display(order.refunded))

    @admin.display(description="margin")
    def margin_shown(self, order):
        # The provider's charge comes with polling: until then the margin is not known.
        return "—" if order.margin is None else money_display(order.margin)

    @admin.display(description="served by", ordering="provider__name")
    def served_by_shown(self, order):
        # The provider that has the order: its service's backup's after a failover.
        name = cut_short(order.provider.name, 16)
        if order.served_by_id is None:
            return name
        return format_html("{}<br><small>backup</small>", name)

    @admin.display(description="status", ordering="status")
    def status_shown(self, order):
        # Sent is the normal case; any other submission (queued, unknown, rejected...) is said.
        notes = [] if order.submission == Submission.SENT else [order.get_submission_display()]
        notes += ["flagged"] if order.flagged else []
        if not notes:
            return order.status
        return format_html("{}<br><small>{}</small>", order.status, ", ".join(notes))

    @admin.display(description="placed", ordering="created_at")
    def created_shown(self, order):
        return short_time(order.created_at)

    @admin.action(description="Poll the selected orders now")
    def poll_now(self, request, queryset):
        ids = list(queryset.filter(submission=Submission.SENT).values_list("provider_id", "pk"))
        # Polling may refund: the history says who set it off, before what it changed.
        OrderEvent.objects.bulk_create(
            [OrderEvent(order_id=pk, actor=request.user, message="Polled now by staff") for _, pk in ids]
        )
        changed = 0
        for provider in Provider.objects.filter(pk__in={provider_id for provider_id, _ in ids}):
            report = polling.orders_poll_ids(
                provider=provider, order_ids=[pk for pid, pk in ids if pid == provider.pk]
            )
            changed += report.changed
            for error in report.errors:
                self.message_user(request, f"{provider.name}: {error}", messages.WARNING)
        self.message_user(request, f"Polled {len(ids)} sent orders; {changed} changed.")

    def get_urls(self):
        own = [
            path(
                "<int:order_id>/attach/",
                self.admin_site.admin_view(self.attach_view),
                name="orders_order_attach",
            ),
            path(
                "<int:order_id>/resend/",
                self.admin_site.admin_view(self.resend_view),
                name="orders_order_resend",
            ),
            path(
                "<int:order_id>/cancel/",
                self.admin_site.admin_view(self.cancel_view),
                name="orders_order_cancel",
            ),
            path(
                "<int:order_id>/settle/",
                self.admin_site.admin_view(self.settle_view),
                name="orders_order_settle",
            ),
            path(
                "<int:order_id>/manual/start/",
                self.admin_site.admin_view(self.manual_start_view),
                name="orders_order_manual_start",
            ),
            path(
                "<int:order_id>/manual/settle/",
                self.admin_site.admin_view(self.manual_settle_view),
                name="orders_order_manual_settle",
            ),
        ]
        return own + super().get_urls()

    def _operation(
        self,
        request: HttpRequest,
        order_id: int,
        form_class,
        title: str,
        run,
        permission: str = "orders.resolve_order",
    ):
        if not request.user.has_perm(permission):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        order = get_object_or_404(Order, pk=order_id)
        # Not `request.POST or None`: an empty POST (an unticked confirmation alone) must be bound and fail.
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                # The trail: who did what to the order, before and after, and why.
                self.audited(
                    request,
                    [order.pk],
                    action=title,
                    reason=form.cleaned_data.get("reason") or "",
                    run=lambda: run(order, form.cleaned_data),
                )
            except OrderRefused as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            else:
                self.message_user(request, f"Order {order.pk}: {title.lower()} done.")
                return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: order {order.pk}",
            "form": form,
            "order": order,
            "opts": self.model._meta,
        }
        return render(request, "admin/orders/order/operation.html", context)

    def attach_view(self, request, order_id):
        return self._operation(
            request,
            order_id,
            AttachForm,
            "Attach the provider's order id",
            lambda order, data: operations.order_attach_provider_id(
                order_id=order.pk, provider_order_id=data["provider_order_id"], actor=request.user
            ),
        )

    def resend_view(self, request, order_id):
        return self._operation(
            request,
            order_id,
            ResendForm,
            "Send again",
            lambda order, data: operations.order_resend(order_id=order.pk, actor=request.user),
        )

    def cancel_view(self, request, order_id):
        return self._operation(
            request,
            order_id,
            CancelForm,
            "Cancel and refund",
            lambda order, data: operations.order_cancel_and_refund(
                order_id=order.pk, actor=request.user, reason=data["reason"]
            ),
        )

    def settle_view(self, request, order_id):
        return self._operation(
            request,
            order_id,
            SettleForm,
            "Settle by hand",
            lambda order, data: by_hand.order_settle_by_hand(
                order_id=order.pk,
                actor=request.user,
                outcome=data["outcome"],
                delivered=data["delivered"],
                reason=data["reason"],
            ),
        )

    def manual_start_view(self, request, order_id):
        return self._operation(
            request,
            order_id,
            StartForm,
            "Start",
            lambda order, data: by_hand.manual_order_start(order_id=order.pk, actor=request.user),
            permission="orders.handle_manual_order",
        )

    def manual_settle_view(self, request, order_id):
        return self._operation(
            request,
            order_id,
            ManualSettleForm,
            "Finish the manual order",
            lambda order, data: by_hand.manual_order_settle(
                order_id=order.pk,
                actor=request.user,
                outcome=data["outcome"],
                delivered=data["delivered"],
                note=data["reason"],
            ),
            permission="orders.handle_manual_order",
        )


@admin.register(Refill)
class RefillAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "status", "submission", "provider_refill_id", "created_at"]
    list_filter = ["status", "submission"]
    search_fields = ["=id", "=order__id", "provider_refill_id"]
    list_select_related = ["order"]
    readonly_fields = ["order", "status", "submission", "provider_refill_id", "error", "last_checked_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
