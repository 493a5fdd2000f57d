"""The price history is read-only in the admin (viewed, never added, changed or deleted), and each row
says what changed the price: the provider's sync, a markup at its level, or a staff member's edit,
with the staff member who made the change."""

from decimal import Decimal

import pytest

from catalog.models import Category, PriceChange, PriceHistory, Service
from catalog.services import catalog_sync, provider_reprice

pytestmark = pytest.mark.django_db


def latest(service: Service) -> tuple[str, str | None]:
    row = PriceHistory.objects.filter(service=service).select_related("changed_by").first()
    return row.cause, row.changed_by.email if row.changed_by else None


def test_a_sync_records_itself_with_no_staff_member(provider):
    catalog_sync(provider=provider)

    assert set(PriceHistory.objects.values_list("cause", "changed_by")) == {(PriceChange.SYNC, None)}


def test_each_markup_level_and_edit_in_the_admin_names_itself_and_the_staff_member(
    admin_client, admin_user, make_service, form_data, changelist_data
):
    category = Category.objects.create(name="Likes")
    service = make_service(provider_rate="1.00", category=category)

    admin_client.post(
        "/admin/catalog/service/", changelist_data([service], {service.pk: {"markup_percent": "50"}})
    )
    assert latest(service) == (PriceChange.SERVICE_MARKUP, admin_user.email)

    service.refresh_from_db()
    admin_client.post(
        "/admin/catalog/service/", changelist_data([service], {service.pk: {"fixed_rate": "4.5"}})
    )
    assert latest(service) == (PriceChange.STAFF, admin_user.email)

    inheriting = make_service(provider_rate="1.00", category=category)
    url = f"/admin/catalog/category/{category.pk}/change/"
    admin_client.post(url, {**form_data(admin_client.get(url)), "default_markup_percent": "10"})
    assert latest(inheriting) == (PriceChange.CATEGORY_MARKUP, admin_user.email)

    default = make_service(provider_rate="1.00")
    admin_client.post("/admin/catalog/pricingsettings/add/", {"default_markup_percent": "70"})
    assert Service.objects.get(pk=default.pk).rate == Decimal("1.70")
    assert latest(default) == (PriceChange.DEFAULT_MARKUP, admin_user.email)

    default.provider.default_markup_percent = Decimal("5")
    default.provider.save()
    provider_reprice(provider=default.provider, by=admin_user)
    assert latest(default) == (PriceChange.PROVIDER_MARKUP, admin_user.email)


def test_the_admin_shows_the_history_read_only_with_its_cause_and_staff_member(
    admin_client, admin_user, make_service, changelist_data
):
    service = make_service(provider_rate="1.00")
    admin_client.post(
        "/admin/catalog/service/", changelist_data([service], {service.pk: {"markup_percent": "50"}})
    )
    row = PriceHistory.objects.get(service=service)

    listing = admin_client.get("/admin/catalog/pricehistory/").content.decode()
    assert "Service markup" in listing and admin_user.email in listing
    assert "/admin/catalog/pricehistory/add/" not in listing

    page = admin_client.get(f"/admin/catalog/pricehistory/{row.pk}/change/")
    assert page.status_code == 200 and 'name="rate"' not in page.content.decode()
    assert admin_client.get("/admin/catalog/pricehistory/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/catalog/pricehistory/{row.pk}/change/", {"rate": "9"}).status_code == 403
    )
    assert (
        admin_client.post(f"/admin/catalog/pricehistory/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert PriceHistory.objects.get(pk=row.pk).rate == row.rate

    service_page = admin_client.get(f"/admin/catalog/service/{service.pk}/change/").content.decode()
    assert "Service markup" in service_page and admin_user.email in service_page
