"""The one place that knows the precision of money.

Amounts (balances, charges, refunds, costs) have 5 decimal places, the precision API v2 shows.
Rates per 1000 keep the provider's digits, up to 10 decimal places. A charge is rounded half-up;
a refund is rounded down, so rounding never hands out more than was taken.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import models

AMOUNT_PLACES = 5
AMOUNT_DIGITS = 18
AMOUNT_QUANTUM = Decimal(1).scaleb(-AMOUNT_PLACES)  # 0.00001
RATE_PLACES = 10
RATE_DIGITS = 24
ZERO = Decimal("0.00000")
# The largest amount an AmountField holds: 13 integer digits and 5 decimal places.
MAX_AMOUNT = Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES) - AMOUNT_QUANTUM


def AmountField(**kwargs) -> models.DecimalField:
    """A money amount in the panel's currency, 5 decimal places."""
    return models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, **kwargs)


def RateField(**kwargs) -> models.DecimalField:
    """A price per 1000 units (or per package), with the provider's digits."""
    return models.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, **kwargs)


def exact_amount(value: Decimal | int | str) -> Decimal:
    """Exactly `value` as an amount; refuses a value that would need rounding."""
    number = Decimal(value)
    quantized = number.quantize(AMOUNT_QUANTUM)
    if quantized != number:
        raise ValueError(f"{value} has more than {AMOUNT_PLACES} decimal places")
    return quantized


def parse_amount(value: Decimal | int | str) -> Decimal:
    """`value` as an exact amount, for input from people and callers alike.

    Raises ValueError with a message fit to show when `value` is not a finite number, is a float
    (binary fractions are not money), has more than 5 decimal places or does not fit an AmountField.
    The sign is the caller's business.
    """
    if isinstance(value, float):
        raise ValueError("Money is never a float; pass a Decimal or a string")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} is not an amount") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    if abs(number) > MAX_AMOUNT:
        raise ValueError(f"{value} is too large")
    return exact_amount(number)


def amount_text(value: Decimal) -> str:
    """An amount as the APIs write it: a string with exactly AMOUNT_PLACES decimals ("12.50000")."""
    return str(value.quantize(AMOUNT_QUANTUM))


def money_number(value: Decimal) -> str:
    """An amount as people read it, without trailing zeros past the cents: 12.50000 -> "12.50",
    0.00150 -> "0.0015". Exact (nothing is rounded away) and the one rule of every page, message,
    e-mail and admin column; the APIs write amount_text."""
    text = f"{value:f}"
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"


def money_display(value: Decimal) -> str:
    """money_number with the panel's currency: "12.50 USD"."""
    return f"{money_number(value)} {settings.PANEL_CURRENCY}"


def charge_for(rate: Decimal, units: int, *, per_package: bool = False) -> Decimal:
    """What `units` cost at `rate` per 1000 (or `rate` per package), rounded half-up to an amount."""
    raw = rate if per_package else rate * units / 1000
    return raw.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)


def refund_for(
    charge: Decimal, *, undelivered: int | Decimal, ordered: int | Decimal, already_refunded: Decimal = ZERO
) -> Decimal:
    """The share of `charge` for `undelivered` of `ordered` units (or amounts: a package's share is
    what the provider did not bill of its price), rounded down, never more than is left."""
    if ordered <= 0 or undelivered <= 0:
        return ZERO
    share = (charge * min(undelivered, ordered) / ordered).quantize(AMOUNT_QUANTUM, rounding=ROUND_DOWN)
    return max(ZERO, min(share, charge - already_refunded))


def round_price_up(value: Decimal, places: int) -> Decimal:
    """A selling price rounded up to `places` decimals, so rounding never sells below cost."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_UP)
