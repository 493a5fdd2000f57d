"""The one place a selling price is computed. Everything that shows or charges a price calls it.

cost = provider rate x the provider's currency factor: what 1000 units (one package) cost us.
our rate = cost x (1 + markup / 100), or the service's fixed rate while the cost stays at or
below it; rounded UP to PRICE_DECIMALS, never below cost. The markup is the service's own, else its
category's, else its provider's, else the default (the admin's PricingSettings, else
settings.DEFAULT_MARKUP_PERCENT).
A customer's rate = their custom rate for the service (a fixed rate while the cost stays at or
below it, or cost x (1 + their markup / 100)), else our rate less their discount_percent; rounded
up, never below cost either. docs/design.md, "Pricing".
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Subquery, TextChoices, Value
from django.db.models.functions import Coalesce

from billing.money import round_price_up
from catalog import conf

if TYPE_CHECKING:
    from catalog.models import Category, Service
    from provider.models import Provider

HUNDRED = Decimal(100)


def show(value: Decimal) -> str:
    """A Decimal as people read it: no exponent, no trailing zeros."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def cost_rate(*, provider_rate: Decimal, currency_factor: Decimal) -> Decimal:
    """What the service costs us per 1000 (per package) in the panel's currency, unrounded."""
    return provider_rate * currency_factor


def default_markup_percent() -> Decimal:
    """The markup of services no other level gives one: the admin's setting, else the environment's.

    One query: read it once when pricing many services (service_rate's `default_markup`).
    """
    from catalog.models import PricingSettings

    saved = PricingSettings.objects.values_list("default_markup_percent", flat=True).first()
    return saved if saved is not None else settings.DEFAULT_MARKUP_PERCENT


def default_markup_expression() -> Coalesce:
    """default_markup_percent as an expression, to annotate a queryset with (no query of its own)."""
    from catalog.models import PricingSettings

    saved = PricingSettings.objects.order_by("pk").values("default_markup_percent")[:1]
    return Coalesce(
        Subquery(saved),
        Value(settings.DEFAULT_MARKUP_PERCENT),
        output_field=DecimalField(max_digits=7, decimal_places=2),
    )


class MarkupLevel(TextChoices):
    """Where the markup of a service comes from (docs/design.md, "Money")."""

    SERVICE = "service"
    CATEGORY = "category"
    PROVIDER = "provider"
    DEFAULT = "default"


def markup_in_effect(
    service: Service, *, provider: Provider, category: Category | None, default_markup: Decimal | None = None
) -> tuple[Decimal, MarkupLevel]:
    """The markup that applies to `service` and its level: its own, its category's, its
    provider's, the default."""
    for markup, level in (
        (service.markup_percent, MarkupLevel.SERVICE),
        (category.default_markup_percent if category is not None else None, MarkupLevel.CATEGORY),
        (provider.default_markup_percent, MarkupLevel.PROVIDER),
    ):
        if markup is not None:
            return markup, level
    return (default_markup if default_markup is not None else default_markup_percent()), MarkupLevel.DEFAULT


def markup_percent_for(
    service: Service, *, provider: Provider, category: Category | None, default_markup: Decimal | None = None
) -> Decimal:
    """The markup that applies to `service`: its own, its category's, its provider's, the default."""
    return markup_in_effect(service, provider=provider, category=category, default_markup=default_markup)[0]


def fixed_rate_holds(fixed_rate: Decimal | None, *, cost: Decimal) -> bool:
    """True when `fixed_rate` is set and the cost has not risen above it (the margin guard's test)."""
    return fixed_rate is not None and fixed_rate >= cost


def service_rate(
    service: Service,
    *,
    provider: Provider | None = None,
    category: Category | None = None,
    default_markup: Decimal | None = None,
) -> Decimal:
    """Our rate per 1000 (per package) for `service`, before any customer discount.

    `provider`, `category` and `default_markup` default to the service's own and the setting;
    pass them when pricing many services so that no query runs per service. A fixed rate the
    cost has risen above gives way to the markup: we never sell below cost, nor at cost by accident.
    """
    provider = provider if provider is not None else service.provider
    if category is None and service.category_id is not None:
        category = service.category
    cost = cost_rate(provider_rate=service.provider_rate, currency_factor=provider.currency_factor)
    if fixed_rate_holds(service.fixed_rate, cost=cost):
        price = service.fixed_rate
    else:
        markup = markup_percent_for(
            service, provider=provider, category=category, default_markup=default_markup
        )
        price = cost * (HUNDRED + markup) / HUNDRED
    return round_price_up(max(price, cost), conf.price_decimals())


def custom_rate_of(service: Service, customer: Any) -> tuple[Decimal | None, Decimal | None]:
    """(fixed rate, markup %) of `customer`'s custom rate for `service`; (None, None) without one.

    services_for(customer) reads both with the service (`custom_fixed_rate`, `custom_markup_percent`);
    a service read otherwise costs one indexed query here.
    """
    if hasattr(service, "custom_fixed_rate"):
        return service.custom_fixed_rate, service.custom_markup_percent
    if getattr(customer, "pk", None) is None:
        return None, None
    from catalog.models import CustomRate

    found = (
        CustomRate.objects.filter(customer_id=customer.pk, service_id=service.pk)
        .values_list("fixed_rate", "markup_percent")
        .first()
    )
    return found if found is not None else (None, None)


def customer_rate(service: Service, customer: Any) -> Decimal:
    """What `customer` pays per 1000 (per package) for `service`: their custom rate, else its rate
    less their discount.

    `customer` may be an anonymous visitor (no discount, no custom rate). Reads service.provider:
    select it with the service when pricing many.
    """
    discount = getattr(customer, "discount_percent", None) or Decimal(0)
    custom_fixed, custom_markup = custom_rate_of(service, customer)
    return discounted_rate(
        service,
        currency_factor=service.provider.currency_factor,
        discount_percent=discount,
        custom_fixed_rate=custom_fixed,
        custom_markup_percent=custom_markup,
    )


def discounted_rate(
    service: Service,
    *,
    currency_factor: Decimal,
    discount_percent: Decimal,
    custom_fixed_rate: Decimal | None = None,
    custom_markup_percent: Decimal | None = None,
) -> Decimal:
    """customer_rate with the provider's currency factor, the customer's discount and custom rate given.

    A custom rate wins over our rate and the discount; a custom fixed rate the cost has risen
    above is set aside (the margin guard), and the customer pays our rate less their discount.
    """
    return rate_for_customer(
        provider_rate=service.provider_rate,
        rate=service.rate,
        currency_factor=currency_factor,
        discount_percent=discount_percent,
        custom_fixed_rate=custom_fixed_rate,
        custom_markup_percent=custom_markup_percent,
    )


def rate_for_customer(
    *,
    provider_rate: Decimal,
    rate: Decimal,
    currency_factor: Decimal,
    discount_percent: Decimal,
    custom_fixed_rate: Decimal | None = None,
    custom_markup_percent: Decimal | None = None,
) -> Decimal:
    """discounted_rate of a service that costs `provider_rate` and sells at `rate`: its rates now,
    or a history row's (the Updates page prices each row at its own rates)."""
    cost = cost_rate(provider_rate=provider_rate, currency_factor=currency_factor)
    if fixed_rate_holds(custom_fixed_rate, cost=cost):
        price = custom_fixed_rate
    elif custom_markup_percent is not None:
        price = cost * (HUNDRED + custom_markup_percent) / HUNDRED
    else:
        price = rate * (HUNDRED - discount_percent) / HUNDRED
    return round_price_up(max(price, cost), conf.price_decimals())


# -- Refusing prices below cost (admin forms and service functions) ----------------------------


def markup_check(
    markup_percent: Decimal | None,
    *,
    provider_rate: Decimal | None = None,
    currency_factor: Decimal | None = None,
) -> None:
    """ValidationError when `markup_percent` would sell below cost (any markup below 0 does).

    With the service's provider rate and factor, the message names the cost and the price.
    """
    if markup_percent is None or markup_percent >= 0:
        return
    currency = settings.PANEL_CURRENCY
    if provider_rate is not None and currency_factor is not None:
        cost = cost_rate(provider_rate=provider_rate, currency_factor=currency_factor)
        price = cost * (HUNDRED + markup_percent) / HUNDRED
        raise ValidationError(
            f"A markup of {show(markup_percent)}% would sell at {show(price)} {currency}, below the cost "
            f"of {show(cost)} {currency} per 1000 (the provider's rate {show(provider_rate)} x currency "
            f"factor {show(currency_factor)}). Use 0% or more.",
            code="below_cost",
        )
    raise ValidationError(
        f"A markup of {show(markup_percent)}% would sell below cost (the provider's rate x its currency "
        "factor). Use 0% or more.",
        code="below_cost",
    )


def fixed_rate_check(fixed_rate: Decimal | None, *, provider_rate: Decimal, currency_factor: Decimal) -> None:
    """ValidationError naming the cost when `fixed_rate` is below it."""
    if fixed_rate is None:
        return
    cost = cost_rate(provider_rate=provider_rate, currency_factor=currency_factor)
    if fixed_rate < cost:
        currency = settings.PANEL_CURRENCY
        raise ValidationError(
            f"A fixed rate of {show(fixed_rate)} {currency} is below the cost of {show(cost)} {currency} "
            f"per 1000 (the provider's rate {show(provider_rate)} x currency factor "
            f"{show(currency_factor)}).",
            code="below_cost",
        )
