"""The customer's order forms. They only render and carry input: orders.services validates it.

`OrderForm` shows exactly the fields of the service's type (orders.services.params.FIELDS),
drip-feed ones only where the service has drip-feed; what was typed goes to `order_place`
untouched, and its refusal comes back as an error on the field it names.
"""

from __future__ import annotations

from django import forms

from catalog.models import Service, ServiceType
from orders.services.params import FIELDS, OPTIONAL_FIELDS

MAX_MASS_LINES = 100

DRIP_FEED = ("runs", "interval")


def _number(label: str, help_text: str = "", **attrs) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1", **attrs}),
    )


def _lines(label: str, help_text: str = "One per line.") -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, widget=forms.Textarea(attrs={"rows": 5}))


def _text(label: str, help_text: str = "", **attrs) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, widget=forms.TextInput(attrs=attrs))


def _field(name: str, service: Service) -> forms.Field:
    low, high = service.min_quantity, service.max_quantity
    bounds = f"From {low} to {high}."
    makers = {
        "link": lambda: forms.CharField(
            label="Link",
            widget=forms.URLInput(
                attrs={"placeholder": "https://", "inputmode": "url", "autocomplete": "off"}
            ),
        ),
        "quantity": lambda: _number("Quantity", bounds, min=low, max=high),
        "runs": lambda: _number("Runs", "How many times to deliver the quantity.", min=1),
        "interval": lambda: _number("Interval (minutes)", "Minutes between runs.", min=1),
        "comments": lambda: _lines("Comments", f"One per line; each is one unit. {bounds}"),
        "usernames": lambda: _lines("Usernames", "One per line."),
        "hashtags": lambda: _lines("Hashtags", "One per line."),
        "groups": lambda: _lines("Groups", "One per line."),
        "keywords": lambda: _lines("Keywords", "One per line."),
        "hashtag": lambda: _text("Hashtag"),
        "username": lambda: _text("Username", autocomplete="off"),
        "media": lambda: _text("Media URL", inputmode="url"),
        "answer_number": lambda: _number("Answer number", min=1, max=100),
        "country": lambda: _text("Country", "A country code or name; empty for worldwide."),
        "device": lambda: forms.ChoiceField(
            label="Device",
            choices=[
                ("", "Any"),
                ("1", "Desktop"),
                ("2", "Android"),
                ("3", "iOS"),
                ("4", "Mixed mobile"),
                ("5", "Mixed"),
            ],
        ),
        "type_of_traffic": lambda: forms.ChoiceField(
            label="Type of traffic",
            choices=[("", "Any"), ("1", "Google keyword"), ("2", "Custom referrer"), ("3", "Blank referrer")],
        ),
        "google_keyword": lambda: _text("Google keyword", "With “Google keyword” traffic."),
        "referring_url": lambda: _text("Referring URL", "With “Custom referrer” traffic.", inputmode="url"),
        "min": lambda: _number("Min per post", bounds, min=low, max=high),
        "max": lambda: _number("Max per post", bounds, min=low, max=high),
        "posts": lambda: _number("Posts", "New posts to deliver to.", min=1),
        "old_posts": lambda: _number("Old posts", "Recent posts to deliver to as well.", min=0),
        "delay": lambda: _number("Delay (minutes)", "Wait after each new post.", min=0),
        "expiry": lambda: _text("Expiry", "dd/mm/yyyy; empty for none.", placeholder="dd/mm/yyyy"),
    }
    field = makers[name]()
    # order_place is the judge of what is missing; the browser only gets a hint.
    field.required = False
    field.optional = name in OPTIONAL_FIELDS
    if not field.optional:
        field.widget.attrs["required"] = True
    return field


def order_field_names(service: Service) -> list[str]:
    """The fields the form shows for `service`, in the order of FIELDS."""
    names = FIELDS[ServiceType(service.type)]
    return [name for name in names if service.offers_dripfeed or name not in DRIP_FEED]


class OrderForm(forms.Form):
    """The parameters of one order for `service`. Validation is order_place's job."""

    def __init__(self, *args, service: Service, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        for name in order_field_names(service):
            self.fields[name] = _field(name, service)

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        if field in self.fields:
            # Screen readers read the error with the field, then its help.
            described = [f"id_{field}_error"] + (
                [f"id_{field}_helptext"] if self.fields[field].help_text else []
            )
            self.fields[field].widget.attrs["aria-describedby"] = " ".join(described)

    @property
    def main_fields(self):
        return [self[name] for name in self.fields if name not in DRIP_FEED]

    @property
    def drip_fields(self):
        return [self[name] for name in self.fields if name in DRIP_FEED]

    def params(self) -> dict[str, str]:
        """What the customer typed for this service's fields, as order_place takes it."""
        return {name: self.data.get(name, "") for name in self.fields if self.data.get(name, "").strip()}


class MassOrderForm(forms.Form):
    orders = forms.CharField(
        label="Orders",
        help_text=f"One order per line: service ID | link | quantity. At most {MAX_MASS_LINES} lines.",
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": "1 | https://instagram.com/p/abc | 1000", "spellcheck": "false"}
        ),
    )

    def clean_orders(self) -> list[tuple[int, str]]:
        """The non-empty lines with their line numbers."""
        lines = [
            (number, line.strip())
            for number, line in enumerate(self.cleaned_data["orders"].splitlines(), start=1)
            if line.strip()
        ]
        if not lines:
            raise forms.ValidationError("Write at least one order.")
        if len(lines) > MAX_MASS_LINES:
            raise forms.ValidationError(f"At most {MAX_MASS_LINES} orders at once; this has {len(lines)}.")
        return lines
