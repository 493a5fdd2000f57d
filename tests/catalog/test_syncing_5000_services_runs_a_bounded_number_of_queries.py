"""Sync works in bulk: the number of queries does not grow with the number of services."""

from decimal import Decimal

import pytest

from catalog.models import PriceHistory, Service
from catalog.services import catalog_sync
from provider.simulator import SimService

pytestmark = pytest.mark.django_db

COUNT = 5000
MAX_QUERIES = 30


@pytest.fixture
def big_simulator(simulator):
    simulator.services.clear()
    for number in range(1, COUNT + 1):
        simulator.add_service(
            SimService(
                number, f"Service {number}", "Default", f"Category {number % 40}", Decimal("0.5"), 10, 10000
            )
        )
    return simulator


def test_importing_5000_services_runs_a_bounded_number_of_queries(
    provider, big_simulator, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        result = catalog_sync(provider=provider)

    assert result.created == Service.objects.count() == PriceHistory.objects.count() == COUNT


def test_repricing_and_dropping_5000_services_runs_a_bounded_number_of_queries(
    provider, big_simulator, django_assert_max_num_queries
):
    catalog_sync(provider=provider)
    for number in range(1, COUNT + 1):
        if number % 5:
            big_simulator.set_service(number, rate="0.6", name=f"Renamed {number}", category="Moved")
        else:
            big_simulator.remove_service(number)

    with django_assert_max_num_queries(MAX_QUERIES):
        result = catalog_sync(provider=provider)

    assert (result.updated, result.repriced, result.dropped) == (COUNT * 4 // 5, COUNT * 4 // 5, COUNT // 5)
    assert (
        Service.objects.filter(provider_rate=Decimal("0.6"), name__startswith="Renamed").count()
        == COUNT * 4 // 5
    )
    assert Service.objects.filter(enabled=False, dropped_at__isnull=False).count() == COUNT // 5
