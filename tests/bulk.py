"""Many rows at once, and calls whose queries can be counted exactly: for the suites that show a
query count does not grow with the data (tests/api, tests/rest). Plain functions; each suite's
fixtures and tests call them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from catalog.models import Category, Service
from orders.models import Order
from provider.models import Provider


def bulk_services(provider: Provider, count: int = 200, categories: int = 10) -> list[Service]:
    """`count` more services of the provider's first one's type, spread over `categories` new
    categories (`More 0`...), in one INSERT."""
    template = Service.objects.filter(provider=provider).first()
    made = [Category.objects.create(name=f"More {i}") for i in range(categories)]
    return Service.objects.bulk_create(
        Service(
            provider=provider,
            provider_service_id=1000 + i,
            type=template.type,
            category=made[i % categories],
            name=f"Extra {i}",
            provider_rate=template.provider_rate,
            rate=template.rate,
            min_quantity=10,
            max_quantity=1000,
        )
        for i in range(count)
    )


def bulk_orders(customer: Any, template: Order, count: int, **fields: Any) -> list[Order]:
    """`count` copies of `template` for `customer`, each on a link of its own, in one INSERT: rows
    only (no charge, no event), `fields` set on each."""
    return Order.objects.bulk_create(
        Order(
            customer=customer,
            service_id=template.service_id,
            provider_id=template.provider_id,
            link=f"https://instagram.com/p/bulk{i}",
            quantity=100,
            rate=template.rate,
            charge=template.charge,
            **fields,
        )
        for i in range(count)
    )


def exact_query_count(settings: Any, first_call: Callable[[], Any]) -> None:
    """From here on, an API call's queries are the same on every run: the key comes from the
    database each time (with Redis, panel.apikeys could answer from the cache: no query at all),
    and `first_call`, a call with the key, has recorded its last use (done once a minute)."""
    settings.API_KEY_CACHE_SECONDS = 0
    first_call()
