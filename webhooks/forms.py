from __future__ import annotations

from django import forms


class EndpointForm(forms.Form):
    """Only carries the URL: services.webhook_endpoint_create decides whether it may be used."""

    url = forms.URLField(
        label="Endpoint URL",
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/webhooks/panel"}),
    )
