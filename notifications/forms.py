from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings

from billing.money import MAX_AMOUNT
from notifications.models import Preferences


class PreferencesForm(forms.ModelForm):
    low_balance_below = forms.DecimalField(
        label="Balance falls below",
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        decimal_places=2,
        help_text="Leave empty for no low-balance e-mail.",
    )

    class Meta:
        model = Preferences
        fields = [
            "order_completed",
            "order_partial",
            "order_canceled",
            "payment_credited",
            "low_balance_below",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["low_balance_below"].label = f"Balance falls below ({settings.PANEL_CURRENCY})"
        line = self.instance.low_balance_below
        if line is not None:  # stored to 5 places; the customer typed (and sees) cents
            self.initial["low_balance_below"] = line.quantize(Decimal("0.01"))
