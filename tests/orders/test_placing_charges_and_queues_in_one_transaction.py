from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from orders.errors import OrderRefused
from orders.models import Order, Submission
from orders.services.placing import order_place
from provider.statuses import OrderStatus


def balance(customer) -> Decimal:
    return Balance.objects.get(customer=customer).amount


def test_placing_charges_the_customer_price_saves_and_queues_on_commit(
    make_customer, default_service, new_link, django_capture_on_commit_callbacks
):
    customer = make_customer("10")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = order_place(
            customer=customer,
            service_id=default_service.pk,
            params={"link": new_link(), "quantity": str(default_service.min_quantity)},
        )
    assert len(callbacks) == 1
    assert order.submission == Submission.QUEUED and order.status == OrderStatus.PENDING
    expected = (default_service.rate * default_service.min_quantity / 1000).quantize(Decimal("0.00001"))
    assert order.charge == expected > 0
    assert balance(customer) == Decimal("10") - expected
    charge = LedgerEntry.objects.get(order=order)
    assert charge.kind == EntryKind.CHARGE and charge.amount == -expected
    assert ledger_audit() == []


def test_not_enough_funds_changes_nothing(make_customer, default_service, new_link):
    customer = make_customer("0.00001")
    with pytest.raises(OrderRefused) as refused:
        order_place(
            customer=customer,
            service_id=default_service.pk,
            params={"link": new_link(), "quantity": str(default_service.max_quantity)},
        )
    assert refused.value.message == "Not enough funds on balance"
    assert not Order.objects.exists()
    assert balance(customer) == Decimal("0.00001")
    assert LedgerEntry.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize("service_id", ["999999", "abc", "", None, "-1"])
def test_an_unknown_service_is_an_incorrect_service_id(make_customer, catalog, new_link, service_id):
    with pytest.raises(OrderRefused, match=r"^Incorrect service ID$"):
        order_place(
            customer=make_customer(), service_id=service_id, params={"link": new_link(), "quantity": "100"}
        )
    assert not Order.objects.exists()


def test_a_disabled_service_or_inactive_provider_cannot_be_ordered(make_customer, default_service, new_link):
    customer = make_customer()
    params = {"link": new_link(), "quantity": str(default_service.min_quantity)}
    default_service.enabled = False
    default_service.save()
    with pytest.raises(OrderRefused, match="Incorrect service ID"):
        order_place(customer=customer, service_id=default_service.pk, params=params)
    default_service.enabled = True
    default_service.save()
    default_service.provider.is_active = False
    default_service.provider.save()
    with pytest.raises(OrderRefused, match="Incorrect service ID"):
        order_place(customer=customer, service_id=default_service.pk, params=params)


def test_a_customers_second_active_order_for_the_same_link_is_refused_until_the_first_is_final(
    make_customer, default_service, new_link
):
    customer = make_customer()
    params = {"link": new_link(), "quantity": str(default_service.min_quantity)}
    first = order_place(customer=customer, service_id=default_service.pk, params=params)
    with pytest.raises(OrderRefused, match="You have active order with this link"):
        order_place(customer=customer, service_id=default_service.pk, params=params)
    Order.objects.filter(pk=first.pk).update(status=OrderStatus.COMPLETED)
    assert order_place(customer=customer, service_id=default_service.pk, params=params).pk != first.pk


def test_a_setting_allows_a_second_active_order_for_a_link(
    make_customer, default_service, new_link, settings
):
    settings.ORDERS_ALLOW_DUPLICATE_LINKS = True
    customer = make_customer()
    params = {"link": new_link(), "quantity": str(default_service.min_quantity)}
    order_place(customer=customer, service_id=default_service.pk, params=params)
    order_place(customer=customer, service_id=default_service.pk, params=params)
    assert Order.objects.count() == 2


def test_a_package_is_charged_its_rate_once(make_customer, catalog, new_link):
    package = catalog["Package"]
    order = order_place(customer=make_customer(), service_id=package.pk, params={"link": new_link()})
    assert order.quantity == 1
    assert order.charge == package.rate.quantize(Decimal("0.00001"))


def test_a_reseller_discount_lowers_the_charge(make_customer, default_service, new_link):
    customer = make_customer()
    customer.discount_percent = Decimal("10")
    customer.save()
    quantity = default_service.max_quantity
    order = order_place(
        customer=customer,
        service_id=default_service.pk,
        params={"link": new_link(), "quantity": str(quantity)},
    )
    assert order.rate < default_service.rate
    assert order.charge < (default_service.rate * quantity / 1000)
