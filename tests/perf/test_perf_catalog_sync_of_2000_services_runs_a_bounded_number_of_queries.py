"""Catalog sync writes in bulk: importing 2,000 services, and syncing them again after the provider
repriced most and dropped some, each takes a bounded number of queries."""

from decimal import Decimal

import pytest

from catalog.models import Service
from catalog.services import catalog_sync
from provider.simulator import SimService

COUNT = 2000
MAX_QUERIES = 25


@pytest.fixture
def provider_of_2000(simulator, provider):
    simulator.services.clear()
    for number in range(1, COUNT + 1):
        simulator.add_service(
            SimService(
                number, f"Service {number}", "Default", f"Group {number % 30}", Decimal("0.5"), 10, 10000
            )
        )
    return provider


def test_catalog_sync_of_2000_services_runs_a_bounded_number_of_queries(
    provider_of_2000, simulator, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        created = catalog_sync(provider=provider_of_2000)
    for number in range(1, COUNT + 1):
        if number % 4:
            simulator.set_service(number, rate="0.7")
        else:
            simulator.remove_service(number)
    with django_assert_max_num_queries(MAX_QUERIES):
        changed = catalog_sync(provider=provider_of_2000)

    assert created.created == COUNT
    assert (changed.repriced, changed.dropped) == (COUNT * 3 // 4, COUNT // 4)
    assert (
        Service.objects.filter(provider=provider_of_2000, provider_rate=Decimal("0.7")).count()
        == COUNT * 3 // 4
    )
