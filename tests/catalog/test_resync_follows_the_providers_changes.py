from decimal import Decimal

import pytest

from catalog.models import Category, PriceHistory, Service
from catalog.services import catalog_sync, services_move
from tests.catalog.conftest import listed as service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("imported")]


def test_a_changed_rate_reprices_the_service_and_is_kept_in_its_history(provider, simulator):
    simulator.set_service(1, rate="1.10")

    result = catalog_sync(provider=provider)

    assert (result.updated, result.repriced) == (1, 1)
    assert (service(1).provider_rate, service(1).rate) == (Decimal("1.10"), Decimal("1.43"))
    history = list(PriceHistory.objects.filter(service=service(1)).values_list("provider_rate", "rate"))
    assert history == [(Decimal("1.10"), Decimal("1.43")), (Decimal("0.90"), Decimal("1.17"))]


def test_changed_bounds_and_flags_are_taken_without_touching_the_price(provider, simulator):
    simulator.set_service(2, min=500, max=90000, refill=True)

    result = catalog_sync(provider=provider)

    assert (result.updated, result.repriced) == (1, 0)
    updated = service(2)
    assert (updated.min_quantity, updated.max_quantity, updated.refill) == (500, 90000, True)
    assert PriceHistory.objects.filter(service=updated).count() == 1


def test_a_service_the_provider_removed_is_disabled_not_deleted(provider, simulator):
    simulator.remove_service(3)

    result = catalog_sync(provider=provider)

    assert result.dropped == 1
    dropped = service(3)
    assert not dropped.enabled
    assert dropped.dropped_at is not None
    assert Service.objects.filter(enabled=True).count() == len(simulator.services)


def test_a_removed_service_that_comes_back_is_enabled_again(provider, simulator):
    removed = simulator.services[3]
    simulator.remove_service(3)
    catalog_sync(provider=provider)
    simulator.add_service(removed)

    result = catalog_sync(provider=provider)

    assert result.restored == 1
    assert service(3).enabled and service(3).dropped_at is None


def test_a_service_the_admin_had_disabled_stays_disabled_when_it_comes_back(provider, simulator):
    Service.objects.filter(provider_service_id=3).update(enabled=False)
    removed = simulator.services[3]
    simulator.remove_service(3)
    catalog_sync(provider=provider)
    simulator.add_service(removed)

    catalog_sync(provider=provider)

    assert not service(3).enabled and service(3).dropped_at is None


def test_the_admins_name_survives_while_the_providers_name_is_kept_up_to_date(provider, simulator):
    Service.objects.filter(provider_service_id=1).update(name="Real followers", description="Ours.")
    simulator.set_service(1, name="IG Followers v2", desc="New text")
    simulator.set_service(2, name="IG Followers cheap")

    catalog_sync(provider=provider)

    assert (service(1).name, service(1).provider_name) == ("Real followers", "IG Followers v2")
    assert (service(1).description, service(1).provider_description) == ("Ours.", "New text")
    assert service(2).name == service(2).provider_name == "IG Followers cheap"


def test_a_service_follows_its_providers_new_category_unless_the_admin_moved_it(provider, simulator):
    services_move(
        services=Service.objects.filter(provider_service_id=2), category=Category.objects.create(name="Ours")
    )
    simulator.set_service(1, category="Instagram Followers")
    simulator.set_service(2, category="Instagram Followers")

    catalog_sync(provider=provider)

    assert service(1).category.name == "Instagram Followers"
    assert service(2).category.name == "Ours"
    assert service(2).provider_category == "Instagram Followers"


def test_a_new_service_of_the_provider_is_added(provider, simulator):
    simulator.add_service(simulator.services[1].changed(service_id=99, name="Brand new", rate="2.00"))

    result = catalog_sync(provider=provider)

    assert result.created == 1
    assert (service(99).name, service(99).rate) == ("Brand new", Decimal("2.60"))
