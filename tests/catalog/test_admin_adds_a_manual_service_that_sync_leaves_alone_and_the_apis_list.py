"""Staff add a manual service in the admin (its cost, price, bounds and refill window theirs); a
sync of its provider neither changes nor drops it, and API v2 `services` lists it like any other."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Service
from catalog.services import catalog_sync
from panel.apikeys import api_key_create

INLINES = ("price_history", "custom_rates")


@pytest.fixture
def added(client, admin_user, catalog, provider) -> Service:
    client.force_login(admin_user)
    category = next(iter(catalog.values())).category
    assert client.get(reverse("admin:catalog_service_add")).status_code == 200
    response = client.post(
        reverse("admin:catalog_service_add"),
        {
            "name": "Hand-written reviews",
            "description": "Written by our team",
            "category": category.pk,
            "type": "Default",
            "enabled": "on",
            "position": "0",
            "min_quantity": "5",
            "max_quantity": "500",
            "provider": provider.pk,
            "provider_rate": "10",
            "fixed_rate": "25",
            "markup_percent": "",
            "cancel": "on",
            "refill_days": "14",
            **{f"{inline}-{key}": "0" for inline in INLINES for key in ("TOTAL_FORMS", "INITIAL_FORMS")},
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return Service.objects.get(name="Hand-written reviews")


def test_the_added_service_is_manual_and_priced_by_staff(added):
    assert added.manual and added.provider_service_id is None
    assert (added.rate, added.refill_days, added.min_quantity) == (Decimal("25"), 14, 5)


def test_a_sync_neither_changes_nor_drops_it(added, provider):
    catalog_sync(provider=provider)
    again = Service.objects.get(pk=added.pk)
    assert (again.enabled, again.dropped_at, again.rate, again.name) == (True, None, added.rate, added.name)


def test_api_v2_services_lists_it(client, added, make_customer):
    customer = make_customer("10")
    _, key = api_key_create(customer=customer)
    listed = client.post("/api/v2", {"key": key, "action": "services"}).json()
    mine = [entry for entry in listed if entry["service"] == added.pk]
    assert mine and mine[0]["name"] == "Hand-written reviews" and mine[0]["rate"].startswith("25")
