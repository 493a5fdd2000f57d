"""Money in the admin: balances and the ledger to read, and the staff forms that move money.

Nothing here edits a balance or an entry: the ledger is appended to by billing.services only,
so both models are read-only and staff credit, correct a balance or forgive a reversed payment's
debt through the Deposit, Adjust and Write off debt forms, each behind its own permission.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html

from audit.admin import AuditedAdmin
from audit.models import AuditKind
from billing.forms import AdjustBalanceForm, DepositForm, WriteOffDebtForm
from billing.models import Balance, LedgerEntry
from billing.money import money_display
from billing.selectors import balance_amount, balance_funds
from billing.services import (
    AlreadyRecorded,
    BillingError,
    DebtChanged,
    InsufficientFunds,
    ledger_adjust,
    ledger_deposit,
    ledger_write_off_debt,
)
from panel.admin_parts import ReadOnlyAdmin

if TYPE_CHECKING:
    from panel.models import User


def _staff(request: HttpRequest) -> User:
    # admin_view lets only signed-in staff through.
    return cast("User", request.user)


class InDebtFilter(admin.SimpleListFilter):
    title = "debt"
    parameter_name = "debt"

    def lookups(self, request, model_admin):
        return [("yes", "In debt (new orders refused)")]

    def queryset(self, request, queryset):
        return queryset.filter(debt__gt=0) if self.value() == "yes" else queryset


@admin.register(Balance)
class BalanceAdmin(AuditedAdmin, ReadOnlyAdmin):
    list_display = ["customer", "amount_shown", "debt_shown", "updated_at"]
    list_filter = [InDebtFilter]
    search_fields = ["customer__email"]
    list_select_related = ["customer"]
    ordering = ["customer__email"]
    fields = readonly_fields = ("customer", "amount_shown", "debt_shown", "updated_at", "ledger_link")
    change_form_template = "billing/admin/balance_change_form.html"
    change_list_template = "billing/admin/balance_change_list.html"
    # The trail of the staff forms below: the balance and the debt before and after each.
    audit_fields = {"amount": AuditKind.MONEY, "debt": AuditKind.MONEY}

    def audit_repr(self, balance: Balance) -> str:
        return f"balance of {balance.customer}"

    @admin.display(description="amount", ordering="amount")
    def amount_shown(self, balance: Balance) -> str:
        return money_display(balance.amount)

    @admin.display(description="debt", ordering="debt")
    def debt_shown(self, balance: Balance) -> str:
        return money_display(balance.debt)

    @admin.display(description="ledger")
    def ledger_link(self, balance: Balance) -> str:
        url = reverse("admin:billing_ledgerentry_changelist") + f"?customer__id__exact={balance.pk}"
        return format_html('<a href="{}">Entries of {}</a>', url, balance.customer)

    def get_urls(self):
        # Before the default URLs: "<path:object_id>/" would swallow "deposit/".
        return [
            path("deposit/", self.admin_site.admin_view(self.deposit_view), name="billing_balance_deposit"),
            path(
                "<int:customer_id>/adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="billing_balance_adjust",
            ),
            path(
                "<int:customer_id>/write-off/",
                self.admin_site.admin_view(self.write_off_view),
                name="billing_balance_write_off",
            ),
            *super().get_urls(),
        ]

    def adjust_view(self, request: HttpRequest, customer_id: int) -> HttpResponse:
        if not request.user.has_perm("billing.adjust_balance"):
            raise PermissionDenied
        customer = get_object_or_404(get_user_model(), pk=customer_id)
        form = AdjustBalanceForm(request.POST) if request.method == "POST" else AdjustBalanceForm()
        if form.is_valid():
            try:
                entry = self.audited(
                    request,
                    [customer.pk],
                    action="balance adjusted",
                    reason=form.cleaned_data["reason"],
                    run=lambda: ledger_adjust(
                        customer=customer,
                        amount=form.cleaned_data["amount"],
                        created_by=_staff(request),
                        reason=form.cleaned_data["reason"],
                        request_token=form.cleaned_data["request_token"],
                    ),
                )
            except AlreadyRecorded as already:
                self.message_user(request, str(already), messages.WARNING)
                return self._back_to(request, customer.pk)
            except InsufficientFunds as error:
                form.add_error("amount", str(error))
            except BillingError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    f"Adjusted {customer} by {money_display(entry.amount)}; "
                    f"balance {money_display(entry.balance_after)}.",
                    messages.SUCCESS,
                )
                return self._back_to(request, customer.pk)
        title = f"Adjust the balance of {customer}"
        return self._render(request, form, title=title, submit="Adjust balance", customer=customer)

    def deposit_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("billing.deposit_funds"):
            raise PermissionDenied
        if request.method == "POST":
            form = DepositForm(request.POST)
        else:
            form = DepositForm(initial={"email": request.GET.get("email", "")})
        if form.is_valid():
            try:
                entry = self.audited(
                    request,
                    [form.customer.pk],
                    action="deposit",
                    reason=form.cleaned_data["reason"],
                    run=lambda: ledger_deposit(
                        customer=form.customer,
                        amount=form.cleaned_data["amount"],
                        created_by=_staff(request),
                        reason=form.cleaned_data["reason"],
                        request_token=form.cleaned_data["request_token"],
                    ),
                )
            except AlreadyRecorded as already:
                self.message_user(request, str(already), messages.WARNING)
                return self._back_to(request, form.customer.pk)
            except BillingError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    f"Deposited {money_display(entry.amount)} to {form.customer}; "
                    f"balance {money_display(entry.balance_after)}.",
                    messages.SUCCESS,
                )
                return self._back_to(request, form.customer.pk)
        return self._render(request, form, title="Deposit funds", submit="Deposit", customer=None)

    def write_off_view(self, request: HttpRequest, customer_id: int) -> HttpResponse:
        if not request.user.has_perm("billing.write_off_debt"):
            raise PermissionDenied
        customer = get_object_or_404(get_user_model(), pk=customer_id)
        debt = balance_funds(customer_id=customer.pk).debt
        if request.method == "POST":
            form = WriteOffDebtForm(request.POST)
        else:
            form = WriteOffDebtForm(initial={"debt": debt})
        if form.is_valid():
            try:
                entry = self.audited(
                    request,
                    [customer.pk],
                    action="debt written off",
                    reason=form.cleaned_data["reason"],
                    run=lambda: ledger_write_off_debt(
                        customer=customer,
                        created_by=_staff(request),
                        reason=form.cleaned_data["reason"],
                        debt_seen=form.cleaned_data["debt"],
                    ),
                )
            except DebtChanged as changed:
                # Shown again with the debt as it is now: the staff member decides on what they see.
                debt = changed.debt
                form = WriteOffDebtForm({**request.POST.dict(), "debt": str(debt)})
                form.full_clean()
                form.add_error(None, str(changed))
            except BillingError as error:
                form.add_error("reason", str(error))
            else:
                if entry is None:
                    self.message_user(request, f"{customer} owes nothing.", messages.WARNING)
                else:
                    self.message_user(
                        request,
                        f"Wrote off {money_display(-entry.debt_change)} of {customer}'s debt.",
                        messages.SUCCESS,
                    )
                return self._back_to(request, customer.pk)
        title = f"Write off the debt of {customer}"
        return self._render(request, form, title=title, submit="Write off debt", customer=customer, debt=debt)

    def _back_to(self, request: HttpRequest, customer_id: int) -> HttpResponse:
        if self.has_view_permission(request):
            return redirect("admin:billing_balance_change", customer_id)
        return redirect("admin:index")

    def _render(
        self, request: HttpRequest, form, *, title: str, submit: str, customer, debt: Decimal | None = None
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "submit": submit,
            "form": form,
            "customer": customer,
            "balance": money_display(balance_amount(customer_id=customer.pk)) if customer else None,
            "debt": money_display(debt) if debt is not None else None,
        }
        return TemplateResponse(request, "billing/admin/money_form.html", context)


def _link(url_name: str, pk: int | None) -> str:
    """A link to an object's admin page; its id alone when that admin is not registered."""
    if pk is None:
        return "-"
    try:
        url = reverse(url_name, args=[pk])
    except NoReverseMatch:
        return str(pk)
    return format_html('<a href="{}">{}</a>', url, pk)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "created_at",
        "customer",
        "kind",
        "amount_shown",
        "balance_after_shown",
        "debt_change_shown",
        "order_shown",
        "payment_shown",
        "created_by",
        "reason",
    ]
    list_filter = ["kind", "created_at"]
    search_fields = ["customer__email"]
    search_help_text = "A customer's e-mail address, or an order id."
    list_select_related = ["customer", "created_by"]
    # COUNT(*) of the whole ledger on every filtered page gets slow as it grows.
    show_full_result_count = False
    fields = readonly_fields = (
        "customer",
        "kind",
        "amount_shown",
        "balance_after_shown",
        "debt_change_shown",
        "order_shown",
        "payment_shown",
        "created_by",
        "reason",
        "created_at",
    )

    @admin.display(description="amount", ordering="amount")
    def amount_shown(self, entry: LedgerEntry) -> str:
        return money_display(entry.amount)

    @admin.display(description="balance after")
    def balance_after_shown(self, entry: LedgerEntry) -> str:
        return money_display(entry.balance_after)

    @admin.display(description="debt change")
    def debt_change_shown(self, entry: LedgerEntry) -> str:
        return money_display(entry.debt_change) if entry.debt_change else "-"

    @admin.display(description="payment", ordering="payment_id")
    def payment_shown(self, entry: LedgerEntry) -> str:
        return _link("admin:payments_payment_change", entry.payment_id)

    @admin.display(description="order", ordering="order_id")
    def order_shown(self, entry: LedgerEntry) -> str:
        return _link("admin:orders_order_change", entry.order_id)

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        # An order id uses the index on order_id; the length keeps it within bigint.
        if term.isdigit() and len(term) <= 18:
            found = found | queryset.filter(order_id=int(term))
        return found, may_have_duplicates
