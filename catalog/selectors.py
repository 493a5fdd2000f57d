"""Reads of the catalog shared by the price list page and the API's `services` action."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F, FilteredRelation, Q, QuerySet

from catalog.models import Category, CustomRate, PriceHistory, Service, ServiceUpdate
from catalog.pricing import customer_rate, rate_for_customer
from orders.selectors import services_completion_times
from panel.sql import table


def services_for(customer: Any) -> QuerySet[Service]:
    """The services `customer` (a user, or an anonymous visitor) may see and order, in display order.

    Enabled, not dropped, in a visible category, from an active provider; provider, category and
    the customer's custom rate (`custom_fixed_rate`, `custom_markup_percent`: one row at most, by
    the custom rate's unique index) come in the same query, so pricing every row with
    customer_rate costs no further query.
    """
    services = (
        Service.objects.filter(
            enabled=True, dropped_at__isnull=True, category__visible=True, provider__is_active=True
        )
        .select_related("provider", "category")
        .order_by("category__position", "category__name", "category_id", "position", "id")
    )
    customer_id = getattr(customer, "pk", None)
    if customer_id is None:  # a visitor has no custom rates
        return services
    return services.annotate(
        custom=FilteredRelation("custom_rates", condition=Q(custom_rates__customer_id=customer_id)),
        custom_fixed_rate=F("custom__fixed_rate"),
        custom_markup_percent=F("custom__markup_percent"),
    )


def service_for_sale(*, service_id: int, customer_id: int) -> Service | None:
    """The service `service_id` if services_for lists it, else None: what order_place may sell.

    services_for's conditions in one plain query (the ORM spends about 1 ms of CPU compiling
    services_for(...).filter(pk=...), ten times what the database takes to answer it). With it
    come what the price needs, read in the same statement: `provider_currency_factor` (the
    provider's), `customer_discount_percent` (the customer's, as it is now, whatever copy of the
    customer the caller holds) and the customer's custom rate (`custom_fixed_rate`,
    `custom_markup_percent`, joined by its unique index). tests/catalog check that both queries agree.
    """
    from panel.models import User
    from provider.models import Provider

    query = (
        f"SELECT {_service_columns()}, p.currency_factor AS provider_currency_factor, "  # noqa: S608 (our tables)
        f"(SELECT u.discount_percent FROM {table(User)} u WHERE u.id = %s) AS customer_discount_percent, "
        "r.fixed_rate AS custom_fixed_rate, r.markup_percent AS custom_markup_percent "
        f"FROM {table(Service)} s JOIN {table(Provider)} p ON p.id = s.provider_id "
        f"JOIN {table(Category)} c ON c.id = s.category_id "
        f"LEFT JOIN {table(CustomRate)} r ON r.service_id = s.id AND r.customer_id = %s "
        "WHERE s.id = %s AND s.enabled AND s.dropped_at IS NULL AND c.visible AND p.is_active"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [customer_id, customer_id, service_id])
        row = cursor.fetchone()
    if row is None:
        return None
    # Service.from_db on the row: Service.objects.raw would work the columns out anew each call.
    names = _service_attnames()
    service = Service.from_db(connection.alias, names, row[: len(names)])
    (
        service.provider_currency_factor,
        service.customer_discount_percent,
        service.custom_fixed_rate,
        service.custom_markup_percent,
    ) = row[len(names) :]
    return service


@functools.cache
def _service_attnames() -> list[str]:
    return [field.attname for field in Service._meta.concrete_fields]


@functools.cache
def _service_columns() -> str:
    """Service's columns in _service_attnames' order, as `s.<column>`."""
    quote = connection.ops.quote_name
    return ", ".join(f"s.{quote(field.column)}" for field in Service._meta.concrete_fields)


def services_search(services: QuerySet[Service], *, query: str) -> QuerySet[Service]:
    """`services` whose name contains `query`, or whose id is `query`."""
    return services.filter(_service_matches(query))


def _service_matches(query: str, *, through: str = "") -> Q:
    """The condition of services_search, on the service at `through` (a lookup path, "service__")."""
    query = query.strip()
    if not query:
        return Q()
    condition = Q(**{f"{through}name__icontains": query})
    if query.isdigit() and len(query) < 19:
        condition |= Q(**{f"{through}pk": int(query)})
    return condition


@dataclass(frozen=True)
class PricedService:
    service: Service
    rate: Decimal  # the customer's price per 1000 (per package), panel currency
    completion: timedelta | None = None  # its average time (services_completion_times); None: too few orders


@dataclass(frozen=True)
class PricedCategory:
    category: Category
    services: list[PricedService]


def price_list(*, customer: Any, query: str = "") -> list[PricedCategory]:
    """The catalog as `customer` sees it, grouped by category, at their rates, with each service's
    average time; two queries, whatever the number of services."""
    services = list(services_search(services_for(customer), query=query))
    times = services_completion_times(service_ids=[service.pk for service in services])
    groups: list[PricedCategory] = []
    for service in services:
        if not groups or groups[-1].category.pk != service.category_id:
            groups.append(PricedCategory(service.category, []))
        priced = PricedService(service, customer_rate(service, customer), times.get(service.pk))
        groups[-1].services.append(priced)
    return groups


@dataclass(frozen=True)
class PricedUpdate:
    entry: PriceHistory
    rate: Decimal  # the customer's price per 1000 (per package) after the change
    previous_rate: Decimal | None  # and before it; None for a service's first row


def service_updates(
    *, customer: Any, kind: ServiceUpdate | None = None, query: str = ""
) -> QuerySet[PriceHistory]:
    """The catalog's news as `customer` (a user or a visitor) may read it, newest first: rows of
    PriceHistory customers are told of (kind not NONE), of services in visible categories of active
    providers (removed and disabled ones included: that is the news), with the service, its
    provider and the customer's custom rate in the same query (priced by priced_updates)."""
    rows = (
        PriceHistory.objects.exclude(kind=ServiceUpdate.NONE)
        .filter(service__category__visible=True, service__provider__is_active=True)
        .filter(_service_matches(query, through="service__"))
        .select_related("service__provider")
        .order_by("-changed_at", "-id")
    )
    if kind is not None:
        rows = rows.filter(kind=kind)
    customer_id = getattr(customer, "pk", None)
    if customer_id is None:
        return rows
    return rows.annotate(
        custom=FilteredRelation(
            "service__custom_rates", condition=Q(service__custom_rates__customer_id=customer_id)
        ),
        custom_fixed_rate=F("custom__fixed_rate"),
        custom_markup_percent=F("custom__markup_percent"),
    )


def priced_updates(entries: Any, *, customer: Any) -> list[PricedUpdate]:
    """Each of `entries` (a page of service_updates) at `customer`'s price then: their discount or
    custom rate (today's) applied to the row's own rates, as catalog.pricing prices. No query."""
    discount = getattr(customer, "discount_percent", None) or Decimal(0)
    priced = []
    for entry in entries:
        price = functools.partial(
            rate_for_customer,
            currency_factor=entry.service.provider.currency_factor,
            discount_percent=discount,
            custom_fixed_rate=getattr(entry, "custom_fixed_rate", None),
            custom_markup_percent=getattr(entry, "custom_markup_percent", None),
        )
        previous = None
        if entry.previous_rate is not None and entry.previous_provider_rate is not None:
            previous = price(provider_rate=entry.previous_provider_rate, rate=entry.previous_rate)
        rate = price(provider_rate=entry.provider_rate, rate=entry.rate)
        priced.append(PricedUpdate(entry, rate, previous))
    return priced
