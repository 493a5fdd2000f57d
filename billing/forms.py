"""Staff forms that move money; the admin's views hand their cleaned data to billing.services."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth import get_user_model

from billing.money import AMOUNT_DIGITS, AMOUNT_PLACES
from billing.services import REASON_MAX_LENGTH


def _amount_field(help_text: str) -> forms.DecimalField:
    return forms.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, help_text=help_text)


class _SubmittedOnce(forms.Form):
    """A form whose hidden one-time token lets billing record it once, however often it is sent."""

    request_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class AdjustBalanceForm(_SubmittedOnce):
    amount = _amount_field("Signed: positive adds to the balance, negative takes from it.")
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError("An adjustment must not be zero.")
        return amount


class DepositForm(_SubmittedOnce):
    email = forms.EmailField(label="Customer's e-mail address")
    amount = _amount_field("Added to the customer's balance.")
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the money came from, e.g. the payment's reference.",
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        customer = get_user_model().objects.filter(email=email).first()
        if customer is None:
            raise forms.ValidationError("No account has this e-mail address.")
        self.customer = customer
        return email

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError("A deposit must be more than zero.")
        return amount


class WriteOffDebtForm(forms.Form):
    # The debt the page showed: a debt that grew since (another reversal) is not written off unseen.
    debt = forms.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, widget=forms.HiddenInput
    )
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the customer need not pay it, e.g. the gateway's dispute was won.",
    )
