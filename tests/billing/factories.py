"""Factories for the billing tests: customers, and orders with what an order needs around it."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory, Password

from billing.money import charge_for
from catalog.models import Category, Service
from orders.models import Order
from provider.models import Provider


class CustomerFactory(DjangoModelFactory):
    """A customer who cannot sign in: hashing a password is slow. Pass `password=` to let them."""

    class Meta:
        model = "panel.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"billing-customer-{n}@example.com")
    password = Password(None)
    is_active = True


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ["name"]

    name = "Billing test provider"
    api_url = "http://127.0.0.1:9/api/v2"
    api_key = "billing-test-key"


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["name"]

    name = "Billing test category"


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    provider = factory.SubFactory(ProviderFactory)
    provider_service_id = factory.Sequence(lambda n: 1000 + n)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Followers {n}")
    provider_rate = Decimal("1.00")
    rate = Decimal("1.30")
    min_quantity = 10
    max_quantity = 100_000


class OrderFactory(DjangoModelFactory):
    """An order row as orders.place leaves it; it is not charged (see the `charged_order` fixture)."""

    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    service = factory.SubFactory(ServiceFactory)
    provider = factory.SelfAttribute("service.provider")
    link = factory.Sequence(lambda n: f"https://example.com/post/{n}")
    quantity = 1000
    rate = Decimal("1.30")
    charge = factory.LazyAttribute(lambda order: charge_for(order.rate, order.quantity))
