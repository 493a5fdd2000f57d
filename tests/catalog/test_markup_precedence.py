"""Which markup prices a service: its own, else its category's, else its provider's, else the default."""

from decimal import Decimal

import pytest

from catalog.models import Category
from catalog.pricing import service_rate
from provider.models import Provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked_up_provider():
    return Provider.objects.create(
        name="Marked up",
        api_url="http://127.0.0.1:9/api/v2",
        api_key="k",
        default_markup_percent=Decimal("20"),
    )


def test_without_any_markup_set_the_global_default_applies(make_service):
    assert service_rate(make_service(provider_rate="1.00")) == Decimal("1.30")


def test_the_providers_markup_beats_the_global_default(make_service, marked_up_provider):
    assert service_rate(make_service(provider_rate="1.00", provider=marked_up_provider)) == Decimal("1.20")


def test_the_categorys_markup_beats_the_providers(make_service, marked_up_provider):
    category = Category.objects.create(name="Ten", default_markup_percent=Decimal("10"))
    service = make_service(provider_rate="1.00", provider=marked_up_provider, category=category)

    assert service_rate(service) == Decimal("1.10")


def test_the_services_own_markup_beats_its_categorys(make_service, marked_up_provider):
    category = Category.objects.create(name="Ten", default_markup_percent=Decimal("10"))
    service = make_service(
        provider_rate="1.00", provider=marked_up_provider, category=category, markup_percent=Decimal("5")
    )

    assert service_rate(service) == Decimal("1.05")


def test_a_zero_markup_is_a_markup_not_a_missing_one(make_service, marked_up_provider):
    category = Category.objects.create(name="At cost", default_markup_percent=Decimal("0"))

    assert (
        service_rate(make_service(provider_rate="1.00", provider=marked_up_provider, category=category)) == 1
    )


def test_a_fixed_rate_beats_every_markup(make_service):
    service = make_service(provider_rate="1.00", markup_percent=Decimal("50"), fixed_rate=Decimal("1.99"))

    assert service_rate(service) == Decimal("1.99")


def test_the_providers_currency_factor_turns_its_rate_into_our_currency(make_service):
    euro = Provider.objects.create(
        name="Euro", api_url="http://127.0.0.1:9/api/v2", api_key="k", currency_factor=Decimal("1.1")
    )

    assert service_rate(make_service(provider_rate="1.00", provider=euro)) == Decimal("1.43")  # 1.1 x 1.3
