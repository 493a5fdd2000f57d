"""Prices staff set in the admin are on the audit trail, with the price before and after as
repricing stored it: a service's markup or fixed rate (its page, the list's columns, the bulk
action), a provider's markup and currency factor, a category's default markup and the default
markup setting. A sync's repricing is the provider's doing and leaves no entry; nor does an edit
that changes no price, or the provider's API key."""

import pytest

from audit.models import AuditEntry, AuditKind
from catalog.models import Category, Service
from catalog.services import catalog_sync

pytestmark = pytest.mark.django_db


def _trail(obj) -> list[tuple]:
    opts = obj._meta
    return list(
        AuditEntry.objects.filter(object_type=f"{opts.app_label}.{opts.model_name}", object_id=str(obj.pk))
        .order_by("id")
        .values_list("actor__email", "kind", "action", "before", "after")
    )


def test_a_services_markup_set_on_its_page_is_recorded_with_its_new_rate(
    admin_client, admin_user, make_service, form_data
):
    service = make_service(provider_rate="1")  # 1.30 at the default 30%
    url = f"/admin/catalog/service/{service.pk}/change/"
    data = form_data(admin_client.get(url))

    assert admin_client.post(url, {**data, "markup_percent": "100"}).status_code == 302
    assert admin_client.post(url, {**data, "markup_percent": "100", "name": "Renamed"}).status_code == 302

    assert _trail(service) == [
        (
            admin_user.email,
            AuditKind.PRICE,
            "changed",
            {"markup_percent": None, "rate": "1.3"},
            {"markup_percent": "100", "rate": "2"},
        )
    ]  # the second save changed the name only: no price, no entry


def test_a_fixed_rate_set_in_the_list_is_recorded(admin_client, make_service, changelist_data):
    first, second = make_service(provider_rate="1"), make_service(provider_rate="1")

    response = admin_client.post(
        "/admin/catalog/service/", changelist_data([first, second], {first.pk: {"fixed_rate": "4.5"}})
    )

    assert response.status_code == 302
    assert [(before, after) for *_, before, after in _trail(first)] == [
        ({"fixed_rate": None, "rate": "1.3"}, {"fixed_rate": "4.5", "rate": "4.5"})
    ]
    assert _trail(second) == []


def test_the_bulk_markup_action_records_each_service_it_repriced(admin_client, admin_user, make_service):
    cheap, dear, untouched = (make_service(provider_rate=rate) for rate in ("1", "2", "1"))

    admin_client.post(
        "/admin/catalog/service/",
        {
            "action": "set_markup",
            "_selected_action": [cheap.pk, dear.pk],
            "apply": "1",
            "markup_percent": "50",
        },
    )

    assert _trail(cheap) == [
        (
            admin_user.email,
            AuditKind.PRICE,
            "markup set",
            {"markup_percent": None, "rate": "1.3"},
            {
                "markup_percent": "50",
                "rate": "1.5",
            },
        )
    ]
    assert _trail(dear)[0][3:] == (
        {"markup_percent": None, "rate": "2.6"},
        {"markup_percent": "50", "rate": "3"},
    )
    assert _trail(untouched) == []


def test_a_providers_markup_is_recorded_and_its_api_key_never_is(
    admin_client, admin_user, provider, form_data
):
    url = f"/admin/provider/provider/{provider.pk}/change/"
    data = {**form_data(admin_client.get(url)), "api_key": "a-new-secret-key", "default_markup_percent": "40"}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _trail(provider) == [
        (
            admin_user.email,
            AuditKind.PRICE,
            "changed",
            {"default_markup_percent": None},
            {"default_markup_percent": "40"},
        )
    ]
    assert "a-new-secret-key" not in str(list(AuditEntry.objects.values_list("before", "after")))


def test_a_categorys_default_markup_is_recorded(admin_client, admin_user, form_data):
    category = Category.objects.create(name="Likes")
    url = f"/admin/catalog/category/{category.pk}/change/"

    admin_client.post(url, {**form_data(admin_client.get(url)), "default_markup_percent": "10"})

    assert _trail(category) == [
        (
            admin_user.email,
            AuditKind.PRICE,
            "changed",
            {"default_markup_percent": None},
            {"default_markup_percent": "10"},
        )
    ]


def test_the_default_markup_setting_is_recorded_when_first_saved_and_when_changed(admin_client, admin_user):
    from catalog.models import PricingSettings

    admin_client.post("/admin/catalog/pricingsettings/add/", {"default_markup_percent": "50"})
    admin_client.post("/admin/catalog/pricingsettings/1/change/", {"default_markup_percent": "40"})

    assert _trail(PricingSettings.objects.get()) == [
        (admin_user.email, AuditKind.PRICE, "added", {}, {"default_markup_percent": "50"}),
        (
            admin_user.email,
            AuditKind.PRICE,
            "changed",
            {"default_markup_percent": "50"},
            {"default_markup_percent": "40"},
        ),
    ]


def test_a_sync_that_prices_the_catalog_leaves_no_entry(provider):
    catalog_sync(provider=provider)

    assert Service.objects.exists()
    assert AuditEntry.objects.count() == 0
