from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from audit.admin import AuditedAdmin
from audit.models import AuditKind
from provider.models import Provider
from provider.services import ProviderCheck, provider_refresh_balance, provider_test_connection


class ProviderForm(forms.ModelForm):
    api_url = forms.URLField(label="API URL", max_length=500, assume_scheme="https")
    # The key is a secret: the form never renders it back; leaving it blank keeps the stored one.
    api_key = forms.CharField(
        label="API key",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Write-only. Leave blank to keep the current key.",
    )

    class Meta:
        model = Provider
        fields = [
            "name",
            "api_url",
            "api_key",
            "currency",
            "currency_factor",
            "default_markup_percent",
            "margin_guard",
            "is_active",
            "low_balance_threshold",
            "max_in_flight",
            "calls_per_second",
            "honours_idempotency_keys",
            "failover_after",
        ]

    def clean_default_markup_percent(self):
        from catalog.pricing import markup_check

        markup = self.cleaned_data.get("default_markup_percent")
        markup_check(markup)
        return markup

    def clean_api_key(self) -> str:
        key = self.cleaned_data.get("api_key", "").strip()
        if key:
            return key
        if self.instance.pk and self.instance.api_key:
            return self.instance.api_key
        raise forms.ValidationError("A new provider needs its API key.")


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    form = ProviderForm
    # The trail: what prices its services (never the API key, a secret).
    audit_fields = dict.fromkeys(
        ("default_markup_percent", "currency_factor", "margin_guard"), AuditKind.PRICE
    )
    list_display = [
        "name",
        "api_url",
        "currency",
        "currency_factor",
        "is_active",
        "balance",
        "balance_checked_at",
        "low_balance_threshold",
        "low_balance_alerted",
    ]
    list_filter = ["is_active", "currency"]
    search_fields = ["name", "api_url"]
    readonly_fields = [
        "balance",
        "balance_checked_at",
        "low_balance_alerted",
        "throttled_rate",
        "throttled_at",
        "unreachable_since",
    ]

    change_form_template = "provider/admin/provider_change_form.html"

    def has_delete_permission(self, request, obj=None):
        # Services and orders point at providers; deactivate one instead.
        return False

    # -- the buttons of the change page: each a POST that calls the provider once ----------------

    def get_urls(self):
        own = [
            path(
                "<int:provider_id>/test-connection/",
                self.admin_site.admin_view(self.test_connection_view),
                name="provider_provider_test_connection",
            ),
            path(
                "<int:provider_id>/check-balance/",
                self.admin_site.admin_view(self.check_balance_view),
                name="provider_provider_check_balance",
            ),
        ]
        # Before the default URLs, whose "<path:object_id>/" would take these.
        return own + super().get_urls()

    def test_connection_view(self, request: HttpRequest, provider_id: int) -> HttpResponse:
        return self._check(request, provider_id, provider_test_connection)

    def check_balance_view(self, request: HttpRequest, provider_id: int) -> HttpResponse:
        return self._check(request, provider_id, provider_refresh_balance)

    def _check(self, request: HttpRequest, provider_id: int, service) -> HttpResponse:
        # Change permission: the call uses the provider's key, and the balance check stores.
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        provider = get_object_or_404(Provider, pk=provider_id)
        check: ProviderCheck = service(provider_id=provider.pk)
        self.message_user(request, check.message, messages.SUCCESS if check.ok else messages.ERROR)
        return redirect("admin:provider_provider_change", provider.pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"default_markup_percent", "currency_factor"} & set(form.changed_data):
            from catalog.services import provider_reprice

            changed = provider_reprice(provider=obj, by=request.user)
            self.message_user(request, f"{changed} service prices recomputed for the new markup or factor.")
