from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode

from audit.admin import AuditedAdmin
from audit.models import AuditKind
from billing.money import money_display
from billing.selectors import customers_with_money
from catalog.admin import CustomRateInline
from fraud.services import account_freeze, account_unfreeze
from orders.selectors import customers_with_order_count
from panel.admin_parts import bulk_action_page, short_time
from panel.models import MAX_DISCOUNT, MIN_DISCOUNT, Heartbeat, User
from panel.services import customers_set_discount


class SetDiscountForm(forms.Form):
    # The bounds of User.discount_percent (its validators and constraint).
    discount_percent = forms.DecimalField(
        label="Discount %",
        max_digits=5,
        decimal_places=2,
        min_value=MIN_DISCOUNT,
        max_value=MAX_DISCOUNT,
        help_text="Percent off every catalog price, 0 to 99.99; a custom rate wins over it.",
    )


class FreezeForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why: for staff, kept on the account. The customer is told only that it is frozen.",
    )


STAFF_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class CustomerRateInline(CustomRateInline):
    fk_name = "customer"
    autocomplete_fields = ["service"]
    fields = ["service", "fixed_rate", "markup_percent"]


def money_links(request: HttpRequest, customer: User) -> list[tuple[str, str]]:
    """(label, url) of billing's Deposit and Adjust forms for `customer`, those the staff member may use."""
    links = []
    if request.user.has_perm("billing.deposit_funds"):
        query = urlencode({"email": customer.email})
        links.append(("Deposit", f"{reverse('admin:billing_balance_deposit')}?{query}"))
    if request.user.has_perm("billing.adjust_balance"):
        links.append(("Adjust", reverse("admin:billing_balance_adjust", args=[customer.pk])))
    return links


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    """The Customers list: each customer's money and orders at a glance, and billing's forms a click away."""

    # The trail: a customer's discount, and who may do what in the admin.
    audit_fields = {
        "discount_percent": AuditKind.MONEY,
        "is_active": AuditKind.PERMISSION,
        # A freeze takes away what the account may do: orders, deposits, its API keys.
        "frozen_at": AuditKind.PERMISSION,
        "frozen_reason": AuditKind.PERMISSION,
        **dict.fromkeys(STAFF_FIELDS, AuditKind.PERMISSION),
    }

    ordering = ["email"]
    list_display = [
        "email",
        "balance_shown",
        "spent_shown",
        "order_count_shown",
        "discount_percent",
        "last_seen",
        "is_active",
    ]
    search_fields = ["email", "first_name", "last_name"]
    change_form_template = "admin/panel/user/change_form.html"
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Pricing", {"fields": ("discount_percent",)}),
        ("Permissions", {"fields": ("is_active", *STAFF_FIELDS)}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
        ("Fraud controls", {"fields": ("frozen_at", "frozen_reason")}),
    )
    readonly_fields = ("frozen_at", "frozen_reason")
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["set_discount", "freeze", "unfreeze"]
    inlines = [CustomerRateInline]

    def get_queryset(self, request):
        # The money and the order count are subqueries of the page's one query (no query per row).
        return customers_with_order_count(customers_with_money(super().get_queryset(request)))

    def get_list_display(self, request):
        def money(customer: User) -> str:
            links = money_links(request, customer)
            return format_html_join(" ", '<a class="button" href="{}">{}</a>', ((u, t) for t, u in links))

        # A column of the request's own: the buttons shown are the staff member's permissions.
        money = admin.display(description="money")(money)
        return [*super().get_list_display(request), money]

    @admin.display(description="balance", ordering="balance_amount")
    def balance_shown(self, customer: User) -> str:
        return money_display(customer.balance_amount)  # type: ignore[attr-defined]

    @admin.display(description="spent", ordering="spent")
    def spent_shown(self, customer: User) -> str:
        return money_display(customer.spent)  # type: ignore[attr-defined]

    @admin.display(description="orders", ordering="order_count")
    def order_count_shown(self, customer: User) -> int:
        return customer.order_count  # type: ignore[attr-defined]

    @admin.display(description="last seen", ordering="last_login")
    def last_seen(self, customer: User) -> str:
        return short_time(customer.last_login)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The customer the change view has already read: no second get_object for the links.
        context["money_links"] = money_links(request, obj) if obj is not None else []
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_readonly_fields(self, request, obj=None):
        # Whoever may change a customer (an operator, for the discount) must not make themselves or
        # anyone staff, superuser or a member of a role: that is Owner's (panel.manage_staff).
        fields = super().get_readonly_fields(request, obj)
        if request.user.has_perm("panel.manage_staff"):
            return fields
        return [*fields, *STAFF_FIELDS]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # the add form has no customer to price for

    def save_model(self, request, obj, form, change):
        """A changed discount goes through customers_set_discount (the trail records it: AuditedAdmin)."""
        if not (change and "discount_percent" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        discount = obj.discount_percent
        obj.discount_percent = form.initial["discount_percent"]
        super().save_model(request, obj, form, change)
        customers_set_discount(customers=User.objects.filter(pk=obj.pk), discount_percent=discount)
        obj.discount_percent = discount

    @admin.action(description="Set the discount %% of selected customers", permissions=["change"])
    def set_discount(self, request, queryset):
        form = SetDiscountForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return bulk_action_page(
                self,
                request,
                queryset,
                action="set_discount",
                title="Set discount %",
                form=form,
                note="Each change is recorded in the audit trail: who set it, when, from what to what.",
            )
        discount = form.cleaned_data["discount_percent"]
        changed = self.audited(
            request,
            queryset.values_list("pk", flat=True),
            action="discount set",
            run=lambda: customers_set_discount(customers=queryset, discount_percent=discount),
        )
        self.message_user(request, f"Discount set to {discount.normalize():f}% for {changed} customers.")
        return None

    # -- fraud controls: freeze and unfreeze (fraud.services), behind panel.freeze_account ----------

    def has_freeze_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("panel.freeze_account")

    @admin.action(
        description="Freeze selected accounts (no orders, deposits or API keys)", permissions=["freeze"]
    )
    def freeze(self, request, queryset):
        form = FreezeForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return bulk_action_page(
                self,
                request,
                queryset,
                action="freeze",
                title="Freeze accounts",
                form=form,
                note="A frozen account places no orders, starts no deposits and its API key is refused; "
                "a payment it already made at a gateway is still credited.",
            )
        reason = form.cleaned_data["reason"]
        frozen = self.audited(
            request,
            queryset.values_list("pk", flat=True),
            action="frozen",
            reason=reason,
            run=lambda: sum(
                account_freeze(customer=customer, reason=reason, by=request.user) for customer in queryset
            ),
        )
        self.message_user(request, f"{frozen} accounts frozen.")
        return None

    @admin.action(description="Unfreeze selected accounts", permissions=["freeze"])
    def unfreeze(self, request, queryset):
        unfrozen = self.audited(
            request,
            queryset.values_list("pk", flat=True),
            action="unfrozen",
            run=lambda: sum(account_unfreeze(customer=customer, by=request.user) for customer in queryset),
        )
        self.message_user(request, f"{unfrozen} accounts unfrozen.")


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, BaseGroupAdmin):
    """Django's, with a role's permissions on the trail."""

    audit_fields = {"permissions": AuditKind.PERMISSION}


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen"]
    readonly_fields = ["name", "last_seen"]

    def has_add_permission(self, request):
        return False
