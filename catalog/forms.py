"""The admin's forms: a service's row and the bulk actions' intermediate pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from catalog.models import Category, Service
from catalog.pricing import markup_check, show


class ServiceForm(forms.ModelForm):
    """A service as the admin edits it; rates shown without the database's ten trailing decimals."""

    class Meta:
        model = Service
        fields = [
            *("name", "description", "category", "enabled", "position", "dripfeed_override"),
            *("markup_percent", "fixed_rate", "backup_service", "refill_days"),
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("fixed_rate", "markup_percent"):
            value = self.initial.get(name)
            if value is not None and name in self.fields:
                # A Decimal, not the text: a text initial never equals the posted Decimal, and
                # every save would count the field as changed (and its price change as a markup's).
                self.initial[name] = Decimal(show(value))


class ManualServiceForm(ServiceForm):
    """A manual service (staff deliver it): staff set what the provider's list gives the others."""

    class Meta(ServiceForm.Meta):
        fields = [
            *ServiceForm.Meta.fields,
            *("provider", "type", "min_quantity", "max_quantity", "provider_rate", "refill", "cancel"),
        ]
        labels = {
            "provider": "Priced as a service of",
            "provider_rate": "Cost per 1000 (per package)",
        }
        help_texts = {
            "provider": "Its currency factor and markup apply to the cost; orders are never sent there.",
            "provider_rate": "What 1000 units cost you to deliver, in that provider's currency (0: nothing).",
        }


class SetMarkupForm(forms.Form):
    markup_percent = forms.DecimalField(
        label="Markup %",
        max_digits=7,
        decimal_places=2,
        required=False,
        help_text="Empty: the services inherit their category's, provider's or the default markup.",
    )
    clear_fixed_rate = forms.BooleanField(
        label="Also clear fixed rates",
        required=False,
        help_text="A fixed rate otherwise wins over the markup.",
    )

    def clean_markup_percent(self):
        markup = self.cleaned_data["markup_percent"]
        markup_check(markup)
        return markup


class MoveCategoryForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.all())
