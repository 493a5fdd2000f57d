"""Payments in the admin: read-only money facts, their event log, and two staff operations.

A payment, its events and its ledger entries are written by payments.services and billing only:
staff read them here, ask the gateway again ("Check with the gateway now", `check_payment`) and
clear a needs-attention flag with a reason (`clear_flag`); neither moves money by itself. The
gateways' settings and the bonus tiers are what staff edit.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from billing.models import LedgerEntry
from billing.money import money_display
from panel.admin_parts import ReadOnlyAdmin, ReadOnlyInline
from payments.gateways import gateway_for, gateways
from payments.gateways.base import GatewayError
from payments.models import BonusTier, GatewaySettings, Payment, PaymentEvent, PaymentState
from payments.services import FlagNotCleared, payment_check, payment_flag_clear

if TYPE_CHECKING:
    from panel.models import User

# Each check is an HTTP call to a gateway made in the admin's request: a bounded number per click.
CHECK_AT_MOST = 20


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("all", "Everything needing attention"),
            ("flagged", "Flagged (a confirmation that disagreed, or a reversal into debt)"),
            ("abandoned", "Pending longer than the check asks"),
        ]

    def queryset(self, request, queryset):
        given_up = timezone.now() - timedelta(days=settings.PAYMENTS_CHECK_GIVE_UP_DAYS)
        conditions = {
            "flagged": Q(flagged=True),
            # The beat task no longer asks about it: the gateway never said paid or failed.
            "abandoned": Q(state=PaymentState.PENDING, created_at__lt=given_up),
        }
        if self.value() == "all":
            return queryset.filter(conditions["flagged"] | conditions["abandoned"])
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return queryset


class GatewayFilter(admin.SimpleListFilter):
    """The gateways the panel knows, without a DISTINCT over every payment (as a field's filter does)."""

    title = "gateway"
    parameter_name = "gateway"

    def lookups(self, request, model_admin):
        return [(code, gateway.label) for code, gateway in gateways().items()]

    def queryset(self, request, queryset):
        return queryset.filter(gateway=self.value()) if self.value() else queryset


class PaymentPart(ReadOnlyInline):
    """Part of the payment's page, never edited there."""

    show_change_link = False
    view_permission = "payments.view_payment"


class EventLogInline(PaymentPart):
    model = PaymentEvent
    fields = [
        "created_at",
        "kind",
        "source",
        "outcome",
        "note",
        "amount",
        "currency",
        "event_id",
        "raw_shown",
    ]
    verbose_name = "event"
    verbose_name_plural = "event log (what the gateway said, verified)"

    @admin.display(description="raw")
    def raw_shown(self, event: PaymentEvent) -> str:
        # The gateway's payload is text from outside: format_html escapes it (a "<script>" in a
        # field is shown, never run). The gateway modules removed any secret before it was stored.
        text = json.dumps(event.raw, indent=2, sort_keys=True, ensure_ascii=False, default=str)
        return format_html("<details><summary>JSON</summary><pre>{}</pre></details>", text)


class LedgerInline(PaymentPart):
    model = LedgerEntry
    fk_name = "payment"
    fields = ["created_at", "kind", "amount", "debt_change", "balance_after", "reason", "created_by"]
    verbose_name_plural = "ledger entries"


class ClearFlagForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was checked and settled. Kept on the payment with your address; no money moves.",
    )


def _staff(request: HttpRequest) -> User:
    # admin_view lets only signed-in staff through.
    return cast("User", request.user)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "customer_email",
        "gateway",
        "amount_shown",
        "bonus_shown",
        "fee_shown",
        "state",
        "flagged",
        "created_at",
    ]
    list_filter = [NeedsAttentionFilter, GatewayFilter, "state", "flagged", "created_at"]
    search_fields = ["customer__email", "=gateway_payment_id"]
    search_help_text = "A customer's e-mail address, or the gateway's payment id (exactly)."
    list_select_related = ["customer"]
    date_hierarchy = "created_at"
    # COUNT(*) of every payment on each filtered page gets slow as they grow.
    show_full_result_count = False
    fields = readonly_fields = (
        "customer",
        "gateway",
        "gateway_payment_id",
        "state",
        "amount_shown",
        "bonus_shown",
        "fee_shown",
        "pay_shown",
        "refunded",
        "disputes",
        "amount_reversed",
        "bonus_reversed",
        "flagged",
        "flag_reason",
        "checkout_url",
        "created_at",
        "paid_at",
        "checked_at",
        "updated_at",
    )
    inlines = [EventLogInline, LedgerInline]
    actions = ["check_now"]
    change_form_template = "payments/admin/payment_change_form.html"

    @admin.display(description="customer", ordering="customer__email")
    def customer_email(self, payment: Payment) -> str:
        return payment.customer.email

    @admin.display(description="amount", ordering="amount")
    def amount_shown(self, payment: Payment) -> str:
        return money_display(payment.amount)

    @admin.display(description="bonus", ordering="bonus")
    def bonus_shown(self, payment: Payment) -> str:
        return money_display(payment.bonus)

    @admin.display(description="fee", ordering="fee")
    def fee_shown(self, payment: Payment) -> str:
        return money_display(payment.fee)

    @admin.display(description="paid at the gateway")
    def pay_shown(self, payment: Payment) -> str:
        return f"{payment.pay_amount} {payment.pay_currency}"

    def has_check_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.check_payment")

    @admin.action(description="Check the selected payments with the gateway now", permissions=["check"])
    def check_now(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        chosen = list(queryset[: CHECK_AT_MOST + 1])
        if len(chosen) > CHECK_AT_MOST:
            self.message_user(
                request, f"Choose at most {CHECK_AT_MOST} payments to check at once.", messages.ERROR
            )
            return
        for payment in chosen:
            self._check(request, payment)

    def _check(self, request: HttpRequest, payment: Payment) -> None:
        try:
            recorded = payment_check(payment=payment)
        except GatewayError as error:
            self.message_user(
                request, f"Payment {payment.pk}: the gateway could not be asked: {error}", messages.ERROR
            )
            return
        payment.refresh_from_db()
        news = f"{len(recorded)} new event(s) recorded" if recorded else "nothing new"
        self.message_user(request, f"Payment {payment.pk}: {news}; it is {payment.state}.")

    def get_urls(self):
        own = [
            path(
                "<int:payment_id>/check/",
                self.admin_site.admin_view(self.check_view),
                name="payments_payment_check",
            ),
            path(
                "<int:payment_id>/clear-flag/",
                self.admin_site.admin_view(self.clear_flag_view),
                name="payments_payment_clear_flag",
            ),
        ]
        # Before the default URLs, whose "<path:object_id>/" would take these.
        return own + super().get_urls()

    def check_view(self, request: HttpRequest, payment_id: int) -> HttpResponse:
        if not self.has_check_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        payment = get_object_or_404(Payment, pk=payment_id)
        self._check(request, payment)
        return redirect("admin:payments_payment_change", payment.pk)

    def clear_flag_view(self, request: HttpRequest, payment_id: int) -> HttpResponse:
        if not request.user.has_perm("payments.clear_flag"):
            raise PermissionDenied
        payment = get_object_or_404(Payment.objects.select_related("customer"), pk=payment_id)
        form = ClearFlagForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                payment_flag_clear(
                    payment_id=payment.pk, cleared_by=_staff(request), reason=form.cleaned_data["reason"]
                )
            except FlagNotCleared as refusal:
                form.add_error(None, str(refusal))
            else:
                self.message_user(request, f"Payment {payment.pk}: flag cleared.", messages.SUCCESS)
                return redirect("admin:payments_payment_change", payment.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Clear the flag of payment {payment.pk}",
            "form": form,
            "payment": payment,
        }
        return TemplateResponse(request, "payments/admin/clear_flag.html", context)


class GatewaySettingsForm(forms.ModelForm):
    code = forms.ChoiceField(choices=[])

    class Meta:
        model = GatewaySettings
        fields = ["code", "enabled", "min_amount", "max_amount", "fee_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            taken = set(GatewaySettings.objects.values_list("code", flat=True))
            self.fields["code"].choices = [
                (code, gateway.label) for code, gateway in gateways().items() if code not in taken
            ]


@admin.register(GatewaySettings)
class GatewaySettingsAdmin(admin.ModelAdmin):
    form = GatewaySettingsForm
    list_display = ["code", "label", "secrets_set", "enabled", "min_amount", "max_amount", "fee_percent"]
    list_display_links = ["code"]
    ordering = ["code"]

    @admin.display(description="shown to customers as")
    def label(self, row: GatewaySettings) -> str:
        gateway = gateway_for(row.code)
        return gateway.label if gateway else "(no such gateway in this panel)"

    @admin.display(description="secrets set", boolean=True)
    def secrets_set(self, row: GatewaySettings) -> bool:
        # Read from the environment, never shown: only whether the gateway has what it needs.
        gateway = gateway_for(row.code)
        return gateway is not None and gateway.configured()

    def get_readonly_fields(self, request, obj=None):
        # A row is its gateway's: the code is chosen once, when it is added.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        # A deleted row comes back with its defaults (enabled) the next time methods are listed.
        return False


@admin.register(BonusTier)
class BonusTierAdmin(admin.ModelAdmin):
    list_display = ["from_amount", "percent"]
    ordering = ["from_amount"]
    fields = ["from_amount", "percent"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.base_fields["percent"].help_text = (
            "Credited on top of a payment of at least the amount. A payment's bonus is fixed when it "
            "is created: a change here applies to payments made from now on."
        )
        return form
