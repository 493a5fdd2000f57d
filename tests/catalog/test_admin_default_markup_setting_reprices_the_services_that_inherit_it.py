"""The default markup is an admin setting: DEFAULT_MARKUP_PERCENT from the environment until an
admin saves one; saving it reprices the services that inherit it, and only those."""

from decimal import Decimal

import pytest

from catalog.models import Category, PriceHistory, PricingSettings, Service
from catalog.pricing import default_markup_percent

pytestmark = pytest.mark.django_db

URL = "/admin/catalog/pricingsettings/"


def test_the_setting_starts_at_the_environments_markup(admin_client, settings):
    settings.DEFAULT_MARKUP_PERCENT = Decimal("30")
    assert default_markup_percent() == Decimal("30")

    page = admin_client.get(URL, follow=True)

    assert page.redirect_chain[-1][0].endswith("/add/")
    assert page.context["adminform"].form["default_markup_percent"].value() == Decimal("30")


def test_saving_the_setting_reprices_the_services_that_inherit_it(admin_client, make_service):
    inheriting = make_service(provider_rate="1.00")  # 1.30 at the environment's 30%
    own = make_service(provider_rate="1.00", markup_percent=Decimal("10"))
    by_category = make_service(
        provider_rate="1.00",
        category=Category.objects.create(name="Marked", default_markup_percent=Decimal("20")),
    )

    response = admin_client.post(f"{URL}add/", {"default_markup_percent": "50"})

    assert response.status_code == 302
    rates = dict(Service.objects.values_list("pk", "rate"))
    assert (rates[inheriting.pk], rates[own.pk], rates[by_category.pk]) == (
        Decimal("1.50"),
        Decimal("1.10"),
        Decimal("1.20"),
    )
    assert PriceHistory.objects.filter(service=inheriting, rate=Decimal("1.50")).exists()
    assert PricingSettings.objects.get().default_markup_percent == Decimal("50")

    saved = admin_client.get(URL, follow=True)
    assert saved.redirect_chain[-1][0].endswith("/1/change/")
    admin_client.post(f"{URL}1/change/", {"default_markup_percent": "40"})
    assert Service.objects.get(pk=inheriting.pk).rate == Decimal("1.40")


def test_a_negative_default_markup_is_refused(admin_client, make_service):
    service = make_service(provider_rate="1.00")

    response = admin_client.post(f"{URL}add/", {"default_markup_percent": "-5"})

    assert response.status_code == 200
    assert "would sell below cost" in response.content.decode()
    assert Service.objects.get(pk=service.pk).rate == Decimal("1.30")
    assert not PricingSettings.objects.exists()
