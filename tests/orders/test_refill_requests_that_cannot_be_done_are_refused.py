"""A refill is refused, with docs/api-v2.md's texts, for a service without refills, an order that is not
completed, another customer's order or refill, and while one is under way."""

import pytest

from catalog.models import Service
from orders.errors import OrderRefused
from orders.models import Order, Refill
from orders.services.cancels_refills import customer_refill, order_request_refill, refills_poll, refills_send
from orders.services.polling import orders_poll
from provider.simulator.orders import REFILL_STEPS
from provider.statuses import OrderStatus, RefillStatus


@pytest.fixture
def completed(sent_order, simulator, provider):
    def make(service: Service | None = None, customer=None) -> Order:
        order = sent_order(service=service, customer=customer)
        simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED)
        orders_poll(provider=provider)
        order.refresh_from_db()
        return order

    return make


def test_a_service_without_refills_refuses_it(completed, catalog):
    no_refill = Service.objects.get(provider_service_id=2)
    assert not no_refill.refill
    order = completed(service=no_refill)
    with pytest.raises(OrderRefused) as refused:
        order_request_refill(customer=order.customer, order_id=order.pk)
    assert refused.value.message == "Refill is disabled for this service"
    assert not Refill.objects.exists()


def test_an_order_that_is_not_completed_cannot_be_refilled(place_order, sent_order, simulator, provider):
    queued, running, canceled = place_order(), sent_order(), sent_order()
    simulator.force_status(canceled.provider_order_id, OrderStatus.CANCELED)
    orders_poll(provider=provider)
    for order in (queued, running, canceled):
        with pytest.raises(OrderRefused, match="Only a completed order can be refilled"):
            order_request_refill(customer=order.customer, order_id=order.pk)
    assert not Refill.objects.exists()


def test_another_customers_order_is_an_incorrect_order_id(completed, make_customer):
    order = completed()
    with pytest.raises(OrderRefused) as refused:
        order_request_refill(customer=make_customer(), order_id=order.pk)
    assert refused.value.message == "Incorrect order ID"
    assert not Refill.objects.exists()


def test_a_second_refill_is_refused_while_one_is_under_way(completed, simulator):
    order = completed()
    first = order_request_refill(customer=order.customer, order_id=order.pk)
    with pytest.raises(OrderRefused, match="already under way"):
        order_request_refill(customer=order.customer, order_id=order.pk)
    refills_send()
    simulator.advance(REFILL_STEPS[0] + 1)
    refills_poll()
    assert Refill.objects.get(pk=first.pk).status == RefillStatus.IN_PROGRESS
    with pytest.raises(OrderRefused, match="already under way"):
        order_request_refill(customer=order.customer, order_id=order.pk)
    assert Refill.objects.count() == 1

    simulator.advance(REFILL_STEPS[1])
    refills_poll()
    assert Refill.objects.get(pk=first.pk).status in (RefillStatus.COMPLETED, RefillStatus.REJECTED)
    assert order_request_refill(customer=order.customer, order_id=order.pk).pk != first.pk


def test_a_refill_is_found_only_for_its_own_customer(completed, make_customer):
    order = completed()
    refill = order_request_refill(customer=order.customer, order_id=order.pk)

    assert customer_refill(customer=order.customer, refill_id=str(refill.pk)) == refill
    for customer, refill_id in [
        (make_customer(), refill.pk),
        (order.customer, refill.pk + 1000),
        (order.customer, "abc"),
        (order.customer, None),
    ]:
        with pytest.raises(OrderRefused) as refused:
            customer_refill(customer=customer, refill_id=refill_id)
        assert refused.value.message == "Refill not found"
