"""The Add funds form. It only renders and carries input: payments.services validates it
(payment_quote's rules), and a refusal comes back as an error on the field it names."""

from __future__ import annotations

from django import forms

from payments.services import Method, PaymentRefused


class AddFundsForm(forms.Form):
    method = forms.ChoiceField(label="Payment method", widget=forms.RadioSelect)
    amount = forms.CharField(
        label="Amount",
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "25.00"}),
    )

    def __init__(self, *args, methods: list[Method], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(method.code, method.label) for method in methods]
        if methods and not self.is_bound:
            self.initial.setdefault("method", methods[0].code)

    def typed(self, name: str) -> str:
        """What the customer typed in `name` (the service reads it), "" when nothing."""
        return str(self.data.get(name, "") if self.is_bound else self.initial.get(name, "")).strip()

    def refuse(self, refusal: PaymentRefused) -> str | None:
        """Shows `refusal` on the field it names; returns it for the form's top when it names none."""
        self.is_valid()
        if refusal.field in self.fields:
            self.errors.pop(refusal.field, None)
            self.add_error(refusal.field, refusal.message)
            return None
        return refusal.message
