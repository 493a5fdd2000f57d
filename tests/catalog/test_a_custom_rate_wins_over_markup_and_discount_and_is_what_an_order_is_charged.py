"""A customer's custom rate for a service, a fixed rate or a markup over cost, wins over the
service's markup, its fixed rate and the customer's discount: customer_rate shows it and order_place
charges it; a custom fixed rate the cost has risen above is set aside (never below cost)."""

from decimal import Decimal

import pytest

from billing.money import round_price_up
from catalog.models import CustomRate, Service
from catalog.pricing import customer_rate
from catalog.selectors import services_for

pytestmark = pytest.mark.django_db


def test_a_custom_fixed_rate_wins_over_the_markup_and_the_discount(make_service, customer):
    service = make_service(provider_rate="1.00", markup_percent=Decimal("50"))  # our rate 1.50
    customer.discount_percent = Decimal("10")
    customer.save()
    CustomRate.objects.create(customer=customer, service=service, fixed_rate=Decimal("1.2"))

    assert customer_rate(service, customer) == Decimal("1.2")
    listed = services_for(customer).get(pk=service.pk)
    assert customer_rate(listed, customer) == Decimal("1.2")


def test_a_custom_markup_is_taken_over_cost_instead_of_the_services_fixed_rate(make_service, customer):
    service = make_service(provider_rate="1.00", fixed_rate=Decimal("3.00"))
    customer.discount_percent = Decimal("50")
    customer.save()
    CustomRate.objects.create(customer=customer, service=service, markup_percent=Decimal("12.345"))

    listed = services_for(customer).get(pk=service.pk)
    assert customer_rate(listed, customer) == Decimal("1.1235")  # 1.12345, rounded up


def test_a_custom_fixed_rate_below_cost_gives_way_to_the_customers_normal_rate(make_service, customer):
    service = make_service(provider_rate="1.00")  # our rate 1.30
    CustomRate.objects.create(customer=customer, service=service, fixed_rate=Decimal("1.10"))
    Service.objects.filter(pk=service.pk).update(provider_rate=Decimal("1.20"), rate=Decimal("1.56"))

    listed = services_for(customer).get(pk=service.pk)
    assert customer_rate(listed, customer) == Decimal("1.56")


def test_a_placed_order_is_charged_the_custom_rate(make_customer, default_service, place_order):
    customer = make_customer("1000")
    customer.discount_percent = Decimal("20")
    customer.save()
    CustomRate.objects.create(customer=customer, service=default_service, fixed_rate=Decimal("2.5"))

    order = place_order(customer=customer, quantity=1000)

    assert order.rate == Decimal("2.5")
    assert order.charge == Decimal("2.5")


def test_a_placed_order_at_a_custom_markup_is_charged_cost_plus_that_markup(
    make_customer, default_service, place_order
):
    customer = make_customer("1000")
    CustomRate.objects.create(customer=customer, service=default_service, markup_percent=Decimal("10"))
    cost = default_service.provider_rate * default_service.provider.currency_factor

    order = place_order(customer=customer, quantity=1000)

    assert order.rate == round_price_up(cost * Decimal("1.1"), 4)
    assert order.rate < default_service.rate
