"""The catalog in the admin. Thin: every change goes through catalog.services."""

from __future__ import annotations

import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone

from audit.admin import AuditedAdmin, AuditedInline
from audit.models import AuditKind
from catalog.forms import ManualServiceForm, MoveCategoryForm, ServiceForm, SetMarkupForm
from catalog.models import (
    Category,
    CategoryMapping,
    CustomRate,
    PriceChange,
    PriceHistory,
    PricingSettings,
    Service,
)
from catalog.pricing import (
    MarkupLevel,
    cost_rate,
    default_markup_expression,
    fixed_rate_holds,
    markup_in_effect,
    show,
)
from catalog.services import (
    CatalogSyncError,
    catalog_export_csv,
    catalog_sync,
    category_mapping_set,
    category_reprice,
    default_markup_set,
    service_record_enabled,
    service_reprice,
    services_move,
    services_reprice,
    services_set_dripfeed,
    services_set_enabled,
    services_set_markup,
)
from panel.admin_parts import ReadOnlyAdmin, ReadOnlyInline, bulk_action_page, short_time
from provider.models import Provider

_PRICE_FIELDS = ("rate", "cost_shown", "provider_rate")


def _markup_text(markup, level: MarkupLevel) -> str:
    return f"{show(markup)}% ({level.label.lower()})"


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    audit_fields = {"default_markup_percent": AuditKind.PRICE}
    list_display = ["name", "position", "default_markup_percent", "markup_shown", "visible", "service_count"]
    list_editable = ["position", "default_markup_percent", "visible"]
    list_filter = ["visible"]
    search_fields = ["name"]

    def get_queryset(self, request):
        # The default markup rides along with each row: no query per row, nor one more per page.
        return (
            super()
            .get_queryset(request)
            .annotate(service_count=Count("services"), default_markup=default_markup_expression())
        )

    @admin.display(description="markup in effect")
    def markup_shown(self, category: Category) -> str:
        """What services of the category without their own markup get; a provider's markup wins
        over the default (catalog.pricing.markup_in_effect)."""
        if category.default_markup_percent is not None:
            return _markup_text(category.default_markup_percent, MarkupLevel.CATEGORY)
        return _markup_text(category.default_markup, MarkupLevel.DEFAULT)  # type: ignore[attr-defined]

    @admin.display(description="services", ordering="service_count")
    def service_count(self, category: Category) -> int:
        return category.service_count  # type: ignore[attr-defined]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "default_markup_percent" in form.changed_data:
            repriced = category_reprice(category=obj, by=request.user)
            self.message_user(request, f"{obj}: {repriced} service prices changed.")


@admin.register(CategoryMapping)
class CategoryMappingAdmin(admin.ModelAdmin):
    list_display = ["provider_category", "provider", "category"]
    list_editable = ["category"]
    list_filter = ["provider", "category"]
    search_fields = ["provider_category", "category__name"]
    list_select_related = ["provider", "category"]

    def save_model(self, request, obj, form, change):
        moved = category_mapping_set(mapping=obj, category=obj.category, by=request.user)
        if moved:
            self.message_user(request, f"{obj}: {moved} services moved to {obj.category}.")


@admin.register(PricingSettings)
class PricingSettingsAdmin(AuditedAdmin):
    """One row: the list goes straight to it (or to adding it, at the environment's value)."""

    fields = ["default_markup_percent"]
    audit_fields = {"default_markup_percent": AuditKind.PRICE}

    def has_add_permission(self, request):
        return not PricingSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # without the row the environment's value would apply again, silently

    def changelist_view(self, request, extra_context=None):
        saved = PricingSettings.objects.first()
        if saved is None:
            return HttpResponseRedirect(reverse("admin:catalog_pricingsettings_add"))
        return HttpResponseRedirect(reverse("admin:catalog_pricingsettings_change", args=[saved.pk]))

    def save_model(self, request, obj, form, change):
        repriced = default_markup_set(markup_percent=obj.default_markup_percent, by=request.user)
        obj.pk = 1
        self.message_user(
            request, f"Default markup {show(obj.default_markup_percent)}%: {repriced} service prices changed."
        )


class CustomRateInline(AuditedInline, admin.TabularInline):
    """A customer's own price of a service; on the service (by customer) and on the customer (by service)."""

    model = CustomRate
    audit_kind = AuditKind.MONEY  # what one customer pays, as their discount
    audit_fields = ("customer", "service", "fixed_rate", "markup_percent")
    extra = 0
    fields = ["customer", "fixed_rate", "markup_percent"]
    autocomplete_fields = ["customer"]


class PriceHistoryInline(ReadOnlyInline):
    model = PriceHistory
    fields = ("changed_at", "kind", "previous_rate", "rate", "provider_rate", "cause", "changed_by")
    ordering = ["-changed_at", "-id"]
    view_permission = "catalog.view_service"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(PriceHistory)
class PriceHistoryAdmin(ReadOnlyAdmin):
    """Every price change, and every service added, removed, enabled or disabled, as sync, repricing
    and the admin appended them: viewed, never added, edited or deleted. "Update" is what the
    customers' Updates page says of the row (empty: not shown there)."""

    # The provider rates are on each row's page: with them the list is wider than 1280 px.
    list_display = [
        "changed_shown", "service", "kind", "previous_rate_shown", "rate_shown", "cause", "changed_by",
    ]  # fmt: skip
    list_filter = ["kind", "cause", "service__provider"]
    list_select_related = ["service", "changed_by"]
    search_fields = ["service__name", "changed_by__email"]
    date_hierarchy = "changed_at"
    fields = [
        "changed_at", "service", "kind", "previous_rate", "rate", "previous_provider_rate", "provider_rate",
        "cause", "changed_by",
    ]  # fmt: skip

    @admin.display(description="changed at", ordering="changed_at")
    def changed_shown(self, entry: PriceHistory) -> str:
        return short_time(entry.changed_at)

    @admin.display(description="previous rate")
    def previous_rate_shown(self, entry: PriceHistory) -> str:
        return "-" if entry.previous_rate is None else show(entry.previous_rate)

    @admin.display(description="our rate", ordering="rate")
    def rate_shown(self, entry: PriceHistory) -> str:
        return show(entry.rate)


class DroppedFilter(admin.SimpleListFilter):
    title = "listed by the provider"
    parameter_name = "dropped"

    def lookups(self, request, model_admin):
        return [("no", "listed"), ("yes", "dropped")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(dropped_at__isnull=self.value() == "no")
        return queryset


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    form = ServiceForm
    # The trail: what sets the price, and the price (`rate`, as repricing stored it).
    audit_fields = dict.fromkeys(("markup_percent", "fixed_rate", "provider_rate", "rate"), AuditKind.PRICE)
    list_display = [
        "id", "name", "provider", "provider_service_id", "category", "type", "cost_shown",
        "markup_percent", "markup_shown", "fixed_rate", "rate_shown", "min_quantity", "max_quantity",
        "dripfeed_shown", "enabled", "dropped_at",
    ]  # fmt: skip
    list_display_links = ["id", "name"]
    list_editable = ["markup_percent", "fixed_rate", "enabled"]
    list_filter = ["provider", "manual", "category", "type", "enabled", "dripfeed_override", DroppedFilter]
    list_select_related = ["provider", "category"]
    search_fields = ["name", "provider_name", "provider_category"]
    autocomplete_fields = ["backup_service"]
    list_per_page = 100
    inlines = [PriceHistoryInline, CustomRateInline]
    readonly_fields = [
        *("provider", "provider_service_id", "type", "provider_name", "provider_description"),
        *("provider_category", "provider_rate", "cost_shown", "rate", "min_quantity", "max_quantity"),
        *("refill", "cancel", "dripfeed", "dropped_at", "created_at", "updated_at"),
    ]
    fieldsets = [
        (None, {"fields": ["name", "description", "category", "enabled", "position", "dripfeed_override"]}),
        ("Price", {"fields": ["markup_percent", "fixed_rate", *_PRICE_FIELDS]}),
        ("Failover", {"fields": ["backup_service"]}),
        ("Refills", {"fields": ["refill_days"]}),
        ("From the provider", {"fields": [f for f in readonly_fields if f not in _PRICE_FIELDS]}),
    ]
    # A manual service: staff set all of it (catalog.forms.ManualServiceForm).
    manual_fieldsets = [
        (None, {"fields": ["name", "description", "category", "type", "enabled", "position"]}),
        ("Quantity", {"fields": ["min_quantity", "max_quantity"]}),
        ("Price", {"fields": ["provider", "provider_rate", "markup_percent", "fixed_rate"]}),
        ("Cancels and refills", {"fields": ["cancel", "refill", "refill_days"]}),
    ]
    actions = [
        *("set_markup", "enable", "disable", "move_to_category", "reprice"),
        *("dripfeed_on", "dripfeed_off", "dripfeed_follow_provider", "export_csv"),
    ]

    # -- columns ---------------------------------------------------------------------------------

    @admin.display(description="cost", ordering="provider_rate")
    def cost_shown(self, service: Service) -> str:
        return show(
            cost_rate(provider_rate=service.provider_rate, currency_factor=service.provider.currency_factor)
        )

    @admin.display(description="drip-feed", ordering="dripfeed_override")
    def dripfeed_shown(self, service: Service) -> str:
        offered = "yes" if service.offers_dripfeed else "no"
        return f"{offered} (provider)" if service.dripfeed_override is None else f"{offered} (set here)"

    @admin.display(description="our rate", ordering="rate")
    def rate_shown(self, service: Service) -> str:
        return show(service.rate)

    @admin.display(description="markup in effect")
    def markup_shown(self, service: Service) -> str:
        provider = service.provider
        cost = cost_rate(provider_rate=service.provider_rate, currency_factor=provider.currency_factor)
        if fixed_rate_holds(service.fixed_rate, cost=cost):
            return "fixed rate"
        markup, level = markup_in_effect(
            service,
            provider=provider,
            category=service.category,
            default_markup=service.default_markup,  # type: ignore[attr-defined]
        )
        return _markup_text(markup, level)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(default_markup=default_markup_expression())

    def has_add_permission(self, request):
        # Services come from the provider's list (sync); staff add manual ones only.
        return super().has_add_permission(request)

    def _is_manual(self, obj) -> bool:
        return obj is None or obj.manual

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._is_manual(obj):
            kwargs["form"] = ManualServiceForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if self._is_manual(obj):
            shown = [("Prices", {"fields": ["cost_shown", "rate", "created_at", "updated_at"]})]
            return [*self.manual_fieldsets, *(shown if obj else [])]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self._is_manual(obj):
            return ["cost_shown", "rate", "created_at", "updated_at"]
        return super().get_readonly_fields(request, obj)

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=ServiceForm, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term.isdigit() and len(term) < 19:
            found = found | queryset.filter(Q(pk=int(term)) | Q(provider_service_id=int(term)))
        return found, may_have_duplicates

    def save_model(self, request, obj, form, change):
        if not change:
            obj.manual = True  # the only services added here
        super().save_model(request, obj, form, change)
        if change and "enabled" in form.changed_data:
            service_record_enabled(services=[obj], enabled=obj.enabled, by=request.user)
        cause = PriceChange.SERVICE_MARKUP if "markup_percent" in form.changed_data else PriceChange.STAFF
        service_reprice(service=obj, cause=cause, by=request.user)

    # -- sync ------------------------------------------------------------------------------------

    def get_urls(self):
        sync = self.admin_site.admin_view(self.sync_view)
        return [path("sync/<int:provider_id>/", sync, name="catalog_service_sync"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "sync_providers": Provider.objects.filter(is_active=True)}
        return super().changelist_view(request, extra_context)

    def sync_view(self, request: HttpRequest, provider_id: int) -> HttpResponse:
        """The "Sync now" button. Not atomic on purpose: the provider is called before any transaction."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        provider = get_object_or_404(Provider, pk=provider_id)
        try:
            result = catalog_sync(provider=provider)
        except CatalogSyncError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, str(result), messages.WARNING if result.skipped else messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:catalog_service_changelist"))

    # -- bulk actions ------------------------------------------------------------------------------

    @admin.action(description="Set markup %% of selected services", permissions=["change"])
    def set_markup(self, request, queryset):
        form = SetMarkupForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return bulk_action_page(
                self, request, queryset, action="set_markup", title="Set markup %", form=form
            )
        markup = form.cleaned_data["markup_percent"]
        repriced = self.audited(
            request,
            queryset.values_list("pk", flat=True),
            action="markup set",
            run=lambda: services_set_markup(
                services=queryset,
                markup_percent=markup,
                clear_fixed_rate=form.cleaned_data["clear_fixed_rate"],
                by=request.user,
            ),
        )
        shown = "inherited" if markup is None else f"{show(markup)}%"
        self.message_user(request, f"Markup set to {shown}; {repriced} service prices changed.")
        return None

    @admin.action(description="Move selected services to a category", permissions=["change"])
    def move_to_category(self, request, queryset):
        form = MoveCategoryForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return bulk_action_page(
                self, request, queryset, action="move_to_category", title="Move to a category", form=form
            )
        moved = self.audited(
            request,
            queryset.values_list("pk", flat=True),
            action=f"moved to {form.cleaned_data['category']}",  # its markup may be the category's
            run=lambda: services_move(
                services=queryset, category=form.cleaned_data["category"], by=request.user
            ),
        )
        self.message_user(request, f"{moved} services moved to {form.cleaned_data['category']}.")
        return None

    @admin.action(description="Enable selected services", permissions=["change"])
    def enable(self, request, queryset):
        changed = services_set_enabled(services=queryset, enabled=True, by=request.user)
        dropped = queryset.filter(dropped_at__isnull=False).count()
        note = f" {dropped} dropped by their provider stay disabled." if dropped else ""
        self.message_user(request, f"{changed} services enabled.{note}")

    @admin.action(description="Disable selected services", permissions=["change"])
    def disable(self, request, queryset):
        changed = services_set_enabled(services=queryset, enabled=False, by=request.user)
        self.message_user(request, f"{changed} services disabled.")

    @admin.action(description="Turn drip-feed on for selected services", permissions=["change"])
    def dripfeed_on(self, request, queryset):
        self._set_dripfeed(request, queryset, True, "on")

    @admin.action(description="Turn drip-feed off for selected services", permissions=["change"])
    def dripfeed_off(self, request, queryset):
        self._set_dripfeed(request, queryset, False, "off")

    @admin.action(description="Drip-feed of selected services as the provider says", permissions=["change"])
    def dripfeed_follow_provider(self, request, queryset):
        self._set_dripfeed(request, queryset, None, "as the provider says")

    def _set_dripfeed(self, request, queryset, dripfeed: bool | None, shown: str) -> None:
        changed = services_set_dripfeed(services=queryset, dripfeed=dripfeed)
        self.message_user(request, f"Drip-feed {shown} for {changed} services.")

    @admin.action(description="Recompute prices of selected services", permissions=["change"])
    def reprice(self, request, queryset):
        repriced = self.audited(
            request,
            queryset.values_list("pk", flat=True),
            action="repriced",
            run=lambda: services_reprice(services=queryset, by=request.user),
        )
        self.message_user(request, f"{repriced} service prices changed.")

    @admin.action(description="Export selected services as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        out = io.StringIO()
        catalog_export_csv(services=queryset, out=out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="catalog-{stamp}.csv"'
        return response
