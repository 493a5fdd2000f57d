"""Template helpers of the customer site: money as people read it, the balance in the header."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from billing.money import money_display, money_number
from billing.selectors import balance_amount

register = template.Library()


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
    return ("+" if signed and number > 0 else "") + money_display(number)


@register.filter
def plain_money(value) -> str:
    """An amount without the currency, for tables whose header names it."""
    number = _decimal(value)
    return "—" if number is None else money_number(number)


# After each part of a link (a slash, not the two of "://"; ?, &, =, #): where a long link breaks best.
_LINK_PARTS = re.compile(r"(?<=[/?&=#])(?!/)")


@register.filter
def link_breaks(value) -> SafeString:
    """`value` (a customer's link) escaped, with a <wbr> after each of its parts, so that a long
    link wraps at its slashes and parameters; CSS breaks a part too long for a line anywhere."""
    return mark_safe("<wbr>".join(escape(part) for part in _LINK_PARTS.split(str(value))))  # noqa: S308


@register.filter
def about_time(value: timedelta | None) -> str:
    """A service's average time as people say it: "about 2 h 10 min", "about 3 d 4 h"; "—" unknown."""
    if not isinstance(value, timedelta):
        return "—"
    seconds = value.total_seconds()
    if seconds >= 24 * 3600:  # past a day, minutes tell nothing
        days, hours = divmod(round(seconds / 3600), 24)
        parts = [f"{days} d", f"{hours} h" if hours else ""]
    else:
        hours, minutes = divmod(max(round(seconds / 60), 1), 60)
        parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    return "about " + " ".join(part for part in parts if part)


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


@register.simple_tag
def query_string(**params) -> str:
    """ "?q=..&status=.." of the parameters given a value (those without one are left out), or ""."""
    kept = {name: value for name, value in params.items() if value not in (None, "")}
    return "?" + urlencode(kept) if kept else ""
