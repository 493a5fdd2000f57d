"""order_place finds its service with service_for_sale, a plain query, and the price list with
services_for: both must agree on what is for sale (enabled, not dropped, in a visible category, from an
active provider), and service_for_sale brings what the price needs, read afresh."""

from decimal import Decimal

from django.utils import timezone

from catalog.models import Category, Service
from catalog.pricing import customer_rate, discounted_rate
from catalog.selectors import service_for_sale, services_for
from panel.models import User
from provider.models import Provider


def _service(provider, category, number, **fields) -> Service:
    return Service.objects.create(
        provider=provider,
        provider_service_id=number,
        category=category,
        name=f"Service {number}",
        provider_rate=Decimal("1.2345"),
        rate=Decimal("1.6049"),
        min_quantity=10,
        max_quantity=1000,
        **fields,
    )


def test_both_queries_sell_the_same_services(provider):
    customer = User.objects.create_user(email="buyer@example.com", password="pw-12345-abc")
    shown, hidden = (
        Category.objects.create(name="Shown"),
        Category.objects.create(name="Hidden", visible=False),
    )
    stopped = Provider.objects.create(
        name="Stopped", api_url="http://127.0.0.1:9/api/v2", api_key="k", is_active=False
    )
    services = [
        _service(provider, shown, 1),
        _service(provider, shown, 2, enabled=False),
        _service(provider, shown, 3, dropped_at=timezone.now()),
        _service(provider, hidden, 4),
        _service(stopped, shown, 5),
    ]
    listed = {service.pk for service in services_for(customer)}
    sold = {s.pk for s in services if service_for_sale(service_id=s.pk, customer_id=customer.pk) is not None}
    assert sold == listed & {s.pk for s in services} == {services[0].pk}
    assert service_for_sale(service_id=10**12, customer_id=customer.pk) is None


def test_the_price_uses_the_discount_in_the_database_not_the_callers_copy(provider):
    customer = User.objects.create_user(email="buyer@example.com", password="pw-12345-abc")
    service = _service(provider, Category.objects.create(name="Shown"), 1)
    stale_copy = User.objects.get(pk=customer.pk)
    User.objects.filter(pk=customer.pk).update(discount_percent=Decimal("10"))

    found = service_for_sale(service_id=service.pk, customer_id=customer.pk)
    assert found.customer_discount_percent == Decimal("10")
    assert found.provider_currency_factor == provider.currency_factor
    rate = discounted_rate(
        found,
        currency_factor=found.provider_currency_factor,
        discount_percent=found.customer_discount_percent,
    )
    assert rate == customer_rate(service, User.objects.get(pk=customer.pk))
    assert rate != customer_rate(service, stale_copy)


def test_the_service_sold_has_every_field_as_the_orm_reads_it(provider):
    customer = User.objects.create_user(email="buyer@example.com", password="pw-12345-abc")
    made = _service(provider, Category.objects.create(name="Shown"), 1, description="Fast")

    found = service_for_sale(service_id=made.pk, customer_id=customer.pk)
    expected = Service.objects.get(pk=made.pk)
    fields = [field.attname for field in Service._meta.concrete_fields]
    assert [getattr(found, name) for name in fields] == [getattr(expected, name) for name in fields]
    assert found._state.adding is False and found._state.db == expected._state.db
