from __future__ import annotations

from django import forms
from django.contrib import admin

from provider.models import Provider


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
class ProviderAdmin(admin.ModelAdmin):
    form = ProviderForm
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
    ]

    def has_delete_permission(self, request, obj=None):
        # Services and orders point at providers; deactivate one instead.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"default_markup_percent", "currency_factor"} & set(form.changed_data):
            from catalog.services import provider_reprice

            changed = provider_reprice(provider=obj)
            self.message_user(request, f"{changed} service prices recomputed for the new markup or factor.")
