from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from catalog.admin import CustomRateInline
from panel.admin_parts import bulk_action_page
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


class CustomerRateInline(CustomRateInline):
    fk_name = "customer"
    autocomplete_fields = ["service"]
    fields = ["service", "fixed_rate", "markup_percent"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "discount_percent",
        "is_active",
        "is_staff",
        "date_joined",
    ]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Pricing", {"fields": ("discount_percent",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["set_discount"]
    inlines = [CustomerRateInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # the add form has no customer to price for

    def save_model(self, request, obj, form, change):
        """A changed discount goes through customers_set_discount, which records from what to what."""
        if not (change and "discount_percent" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        discount = obj.discount_percent
        obj.discount_percent = form.initial["discount_percent"]
        super().save_model(request, obj, form, change)
        customers_set_discount(
            customers=User.objects.filter(pk=obj.pk), discount_percent=discount, by=request.user
        )
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
                note=(
                    "Each change is recorded in the customer's history: who set it, when, from what to what."
                ),
            )
        discount = form.cleaned_data["discount_percent"]
        changed = customers_set_discount(customers=queryset, discount_percent=discount, by=request.user)
        self.message_user(request, f"Discount set to {discount.normalize():f}% for {changed} customers.")
        return None


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen"]
    readonly_fields = ["name", "last_seen"]

    def has_add_permission(self, request):
        return False
