from decimal import Decimal

import pytest
from django.test import override_settings

from catalog.models import Category, CategoryMapping, PriceHistory, Service, ServiceType
from catalog.services import catalog_sync

pytestmark = pytest.mark.django_db


def test_first_sync_imports_every_service_with_its_terms_and_our_price(provider, simulator):
    result = catalog_sync(provider=provider)

    assert result.created == len(simulator.services) == Service.objects.count()
    assert (result.updated, result.dropped, result.skipped) == (0, 0, [])
    followers = Service.objects.get(provider=provider, provider_service_id=1)
    assert followers.name == followers.provider_name == "Instagram Followers [Refill 30 days]"
    assert followers.type == ServiceType.DEFAULT
    assert followers.category.name == followers.provider_category == "Instagram"
    assert followers.provider_rate == Decimal("0.90")
    assert followers.rate == Decimal("1.17")  # 0.90 + 30 %
    assert (followers.min_quantity, followers.max_quantity) == (50, 10000)
    assert (followers.refill, followers.cancel, followers.dripfeed) == (True, True, True)
    assert followers.description.startswith("Instagram Followers [Refill 30 days].")
    assert followers.enabled and followers.dropped_at is None


def test_every_service_type_of_the_simulator_is_imported_as_that_type(provider, simulator):
    catalog_sync(provider=provider)

    imported = dict(Service.objects.values_list("provider_service_id", "type"))
    assert imported == {sid: service.type for sid, service in simulator.services.items()}


def test_categories_and_their_mappings_are_created_from_the_providers_names(provider, simulator):
    result = catalog_sync(provider=provider)

    names = {service.category for service in simulator.services.values()}
    assert set(Category.objects.values_list("name", flat=True)) == names
    assert result.categories_created == len(names)
    mapped = dict(
        CategoryMapping.objects.filter(provider=provider).values_list("provider_category", "category__name")
    )
    assert mapped == {name: name for name in names}


def test_a_category_mapped_by_the_admin_receives_the_providers_category(provider):
    ours = Category.objects.create(name="Instagram growth")
    CategoryMapping.objects.create(provider=provider, provider_category="Instagram", category=ours)

    catalog_sync(provider=provider)

    assert not Category.objects.filter(name="Instagram").exists()
    assert set(Service.objects.filter(provider_category="Instagram").values_list("category", flat=True)) == {
        ours.pk
    }


def test_every_imported_service_starts_its_price_history(provider):
    catalog_sync(provider=provider)

    assert PriceHistory.objects.count() == Service.objects.count()
    first = PriceHistory.objects.get(service__provider_service_id=1)
    assert (first.provider_rate, first.rate) == (Decimal("0.90"), Decimal("1.17"))


@override_settings(CATALOG_IMPORT_DISABLED=True)
def test_with_catalog_import_disabled_new_services_arrive_disabled(provider):
    catalog_sync(provider=provider)

    assert Service.objects.exists()
    assert not Service.objects.filter(enabled=True).exists()


def test_a_second_sync_of_an_unchanged_list_writes_nothing(provider, catalog_rows):
    catalog_sync(provider=provider)
    before = catalog_rows()

    result = catalog_sync(provider=provider)

    assert (result.created, result.updated, result.repriced, result.dropped) == (0, 0, 0, 0)
    assert catalog_rows() == before


def test_the_sync_reports_what_it_did_in_one_line(provider, simulator):
    result = catalog_sync(provider=provider)

    assert str(result).startswith(f"HonestSim: {len(simulator.services)} services listed; 20 new")
