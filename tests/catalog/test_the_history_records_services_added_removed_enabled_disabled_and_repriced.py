"""Every change customers should hear of is a row of the service's history with its kind (what the
Updates page says): a sync records new services, rate rises and falls, removals and returns; the
admin records enabling and disabling (the bulk actions and the service's page) and repricing. A
cost that moves under an unchanged rate, or a change to a service not for sale, is kept but is no
news to customers."""

from decimal import Decimal

import pytest

from catalog.models import PriceChange, PriceHistory, Service, ServiceUpdate
from catalog.services import catalog_sync, services_set_enabled, services_set_markup
from tests.catalog.conftest import listed as service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("imported")]


def kinds(service: Service) -> list[str]:
    """The service's history, oldest first."""
    return list(PriceHistory.objects.filter(service=service).order_by("id").values_list("kind", flat=True))


def test_each_imported_service_is_added_once(simulator):
    assert PriceHistory.objects.filter(kind=ServiceUpdate.ADDED).count() == len(simulator.services)
    assert kinds(service(1)) == [ServiceUpdate.ADDED]


def test_a_rate_rise_and_fall_from_the_provider_are_rate_up_and_rate_down_with_the_rates_before(
    provider, simulator
):
    simulator.set_service(1, rate="1.10")
    catalog_sync(provider=provider)
    simulator.set_service(1, rate="0.50")
    catalog_sync(provider=provider)

    rows = PriceHistory.objects.filter(service=service(1)).order_by("id")
    assert [row.kind for row in rows] == [ServiceUpdate.ADDED, ServiceUpdate.RATE_UP, ServiceUpdate.RATE_DOWN]
    up = rows[1]
    assert (up.previous_provider_rate, up.previous_rate) == (Decimal("0.90"), Decimal("1.17"))
    assert (up.provider_rate, up.rate) == (Decimal("1.10"), Decimal("1.43"))
    assert up.cause == PriceChange.SYNC and up.changed_by is None


def test_a_removed_service_is_removed_and_its_return_enables_it(provider, simulator):
    removed = simulator.services[3]
    simulator.remove_service(3)
    catalog_sync(provider=provider)
    assert kinds(service(3)) == [ServiceUpdate.ADDED, ServiceUpdate.REMOVED]

    simulator.add_service(removed)
    catalog_sync(provider=provider)
    assert kinds(service(3)) == [ServiceUpdate.ADDED, ServiceUpdate.REMOVED, ServiceUpdate.ENABLED]


def test_a_sync_that_changes_nothing_records_nothing(provider):
    before = PriceHistory.objects.count()
    catalog_sync(provider=provider)
    assert PriceHistory.objects.count() == before


def test_the_bulk_actions_record_who_enabled_and_disabled_and_only_real_changes(admin_user):
    services = Service.objects.filter(provider_service_id__in=[1, 2])
    assert services_set_enabled(services=services, enabled=False, by=admin_user) == 2
    assert services_set_enabled(services=services, enabled=False, by=admin_user) == 0  # already off
    assert services_set_enabled(services=services, enabled=True, by=admin_user) == 2
    assert kinds(service(1)) == [ServiceUpdate.ADDED, ServiceUpdate.DISABLED, ServiceUpdate.ENABLED]
    last = PriceHistory.objects.filter(service=service(2)).order_by("id").last()
    assert (last.cause, last.changed_by) == (PriceChange.STAFF, admin_user)


def test_a_markup_change_is_rate_up_or_down_but_not_news_while_the_service_is_disabled(admin_user):
    one, two = service(1), service(2)
    services_set_markup(services=Service.objects.filter(pk=one.pk), markup_percent=Decimal(50), by=admin_user)
    services_set_markup(services=Service.objects.filter(pk=one.pk), markup_percent=Decimal(10), by=admin_user)
    assert kinds(one) == [ServiceUpdate.ADDED, ServiceUpdate.RATE_UP, ServiceUpdate.RATE_DOWN]

    services_set_enabled(services=Service.objects.filter(pk=two.pk), enabled=False)
    services_set_markup(services=Service.objects.filter(pk=two.pk), markup_percent=Decimal(50), by=admin_user)
    assert kinds(two) == [ServiceUpdate.ADDED, ServiceUpdate.DISABLED, ServiceUpdate.NONE]


def test_disabling_on_the_services_admin_page_and_enabling_in_the_list_are_recorded(
    admin_client, admin_user, form_data, changelist_data
):
    one = service(1)
    data = form_data(admin_client.get(f"/admin/catalog/service/{one.pk}/change/"))
    data.pop("enabled")
    assert admin_client.post(f"/admin/catalog/service/{one.pk}/change/", data).status_code == 302
    assert kinds(one)[-1] == ServiceUpdate.DISABLED

    one.refresh_from_db()
    listed_data = changelist_data([one], {one.pk: {"enabled": True}})
    assert admin_client.post("/admin/catalog/service/", listed_data).status_code == 302
    last = PriceHistory.objects.filter(service=one).order_by("id").last()
    assert (last.kind, last.changed_by) == (ServiceUpdate.ENABLED, admin_user)
