"""Saving a markup, fixed rate, category markup or category mapping in the admin reprices at once."""

from decimal import Decimal

import pytest

from catalog.models import Category, CategoryMapping, PriceHistory, Service
from catalog.services import catalog_sync

pytestmark = pytest.mark.django_db


def rate(service: Service) -> Decimal:
    return Service.objects.get(pk=service.pk).rate


def test_editing_markup_and_fixed_rate_in_the_list_reprices(admin_client, make_service, changelist_data):
    first, second = make_service(provider_rate="1.00"), make_service(provider_rate="1.00")
    changes = {first.pk: {"markup_percent": "50"}, second.pk: {"fixed_rate": "4.5"}}

    response = admin_client.post("/admin/catalog/service/", changelist_data([first, second], changes))

    assert response.status_code == 302
    assert (rate(first), rate(second)) == (Decimal("1.50"), Decimal("4.50"))
    assert PriceHistory.objects.filter(rate__in=["1.50", "4.50"]).count() == 2


def test_editing_a_service_keeps_the_admins_name_and_reprices(admin_client, make_service, form_data):
    service = make_service(provider_rate="1.00")
    url = f"/admin/catalog/service/{service.pk}/change/"
    data = form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "name": "Our best followers", "markup_percent": "100"})

    assert response.status_code == 302
    saved = Service.objects.get(pk=service.pk)
    assert (saved.name, saved.rate) == ("Our best followers", Decimal("2.00"))


def test_a_dropped_service_cannot_be_enabled_in_the_list(admin_client, make_service, changelist_data):
    from django.utils import timezone

    service = make_service(enabled=False, dropped_at=timezone.now())

    response = admin_client.post(
        "/admin/catalog/service/", changelist_data([service], {service.pk: {"enabled": True}})
    )

    assert b"The provider no longer lists this service" in response.content
    assert not Service.objects.get(pk=service.pk).enabled


def test_changing_a_categorys_default_markup_reprices_its_services(admin_client, make_service, form_data):
    category = Category.objects.create(name="Likes")
    likes, other = make_service(provider_rate="1.00", category=category), make_service(provider_rate="1.00")
    url = f"/admin/catalog/category/{category.pk}/change/"
    data = form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "default_markup_percent": "10"})

    assert response.status_code == 302
    assert (rate(likes), rate(other)) == (Decimal("1.10"), Decimal("1.30"))


def test_pointing_a_provider_category_elsewhere_moves_its_services_and_reprices_them(
    admin_client, provider, form_data
):
    catalog_sync(provider=provider)
    premium = Category.objects.create(name="Premium", default_markup_percent=Decimal("100"))
    mapping = CategoryMapping.objects.get(provider=provider, provider_category="YouTube")
    url = f"/admin/catalog/categorymapping/{mapping.pk}/change/"
    data = form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "category": premium.pk})

    assert response.status_code == 302
    moved = Service.objects.filter(provider_category="YouTube")
    assert {s.category_id for s in moved} == {premium.pk}
    assert all(s.rate == s.provider_rate * 2 for s in moved)
    catalog_sync(provider=provider)
    assert set(Service.objects.filter(provider_category="YouTube").values_list("category", flat=True)) == {
        premium.pk
    }
