from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from catalog.pricing import customer_rate, service_rate
from provider.models import Provider

pytestmark = pytest.mark.django_db


def test_a_price_is_rounded_up_to_the_configured_decimals(make_service, settings):
    service = make_service(provider_rate="0.123456")  # x 1.3 = 0.1604928

    assert service_rate(service) == Decimal("0.1605")
    settings.PRICE_DECIMALS = 2
    assert service_rate(service) == Decimal("0.17")


def test_rounding_never_goes_below_cost_even_at_zero_decimals(make_service, settings):
    settings.PRICE_DECIMALS = 0

    assert service_rate(make_service(provider_rate="0.0001")) == 1


def test_a_fixed_rate_below_cost_gives_way_to_the_markup(make_service):
    service = make_service(provider_rate="1.00", fixed_rate=Decimal("1.00"))
    assert service_rate(service) == Decimal("1.00")  # at cost it still holds

    service.fixed_rate = Decimal("0.50")
    assert service_rate(service) == Decimal("1.30")


def test_a_fixed_rate_below_cost_after_a_currency_change_sells_at_the_markup_on_the_new_cost(make_service):
    euro = Provider.objects.create(
        name="Euro", api_url="http://127.0.0.1:9/api/v2", api_key="k", currency_factor=Decimal("1.23456")
    )
    service = make_service(provider_rate="1.00", provider=euro, fixed_rate=Decimal("1.00"))

    assert service_rate(service) == Decimal("1.6050")  # 1.23456 x 1.3 = 1.604928, rounded up


def test_a_customers_discount_comes_off_our_rate(make_service, customer):
    service = make_service(provider_rate="1.00")  # our rate 1.30
    customer.discount_percent = Decimal("10")

    assert customer_rate(service, customer) == Decimal("1.17")


def test_a_discounted_rate_is_rounded_up(make_service, customer):
    service = make_service(provider_rate="0.77")  # our rate 1.001
    customer.discount_percent = Decimal("3.33")  # 1.001 x 0.9667 = 0.9676667

    assert customer_rate(service, customer) == Decimal("0.9677")


def test_a_discount_never_sells_below_cost(make_service, customer):
    service = make_service(provider_rate="1.00")
    customer.discount_percent = Decimal("50")  # 0.65 < cost

    assert customer_rate(service, customer) == Decimal("1.00")


def test_a_customer_without_discount_and_a_visitor_pay_our_rate(make_service, customer):
    service = make_service(provider_rate="1.00")

    assert customer_rate(service, customer) == customer_rate(service, AnonymousUser()) == service.rate
