"""Template helpers of the customer site: money as people read it, the balance in the header."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings

from billing.selectors import balance_amount

register = template.Library()


def _trimmed(value: Decimal, *, least: int) -> str:
    """`value` without trailing zeros past `least` decimal places: 12.50000 -> 12.50, 0.00150 -> 0.0015."""
    text = f"{value:f}"
    if "." not in text:
        return f"{text}.{'0' * least}" if least else text
    whole, fraction = text.split(".")
    fraction = fraction.rstrip("0").ljust(least, "0")
    return f"{whole}.{fraction}" if fraction else whole


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value, signed: bool = False) -> str:
    """An amount with the panel's currency: "12.50 USD"; with `signed`, "+12.50 USD" / "-3.00 USD"."""
    number = _decimal(value)
    if number is None:
        return "—"
    sign = "+" if signed and number > 0 else ""
    return f"{sign}{_trimmed(number, least=2)} {settings.PANEL_CURRENCY}"


@register.filter
def plain_money(value) -> str:
    """An amount without the currency, for tables whose header names it."""
    number = _decimal(value)
    return "—" if number is None else _trimmed(number, least=2)


@register.simple_tag
def balance_of(user) -> Decimal:
    """The signed-in customer's balance (one query), for the header."""
    return balance_amount(customer_id=user.pk)


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The current address with page=`number`, every other query parameter kept."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
