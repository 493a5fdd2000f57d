"""Every way an order or a refill changes status tells the customer's endpoint: a queued order
canceled by its customer, one the provider rejects, one staff cancel and refund, and a refill
polled or refused."""

import pytest

from orders.services.cancels_refills import (
    order_request_cancel,
    order_request_refill,
    refills_poll,
    refills_send,
)
from orders.services.forwarding import order_submit
from orders.services.operations import order_cancel_and_refund
from orders.services.polling import orders_poll
from provider.simulator.orders import REFILL_STEPS
from provider.statuses import OrderStatus
from webhooks.models import EventType


@pytest.fixture
def hooked(make_customer, receiver, make_endpoint, django_capture_on_commit_callbacks):
    """(customer, events()): events() runs the on-commit deliveries and returns the `data` received."""
    customer = make_customer()
    make_endpoint(customer, receiver)

    def events(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            call(*args, **kwargs)
        return [received.payload for received in receiver.requests[events.seen :]]

    events.seen = 0
    return customer, events


def test_a_queued_order_canceled_by_its_customer(hooked, place_order):
    customer, events = hooked
    order = place_order(customer)
    (payload,) = events(order_request_cancel, customer=customer, order_id=order.pk)
    assert payload["type"] == EventType.ORDER_STATUS_CHANGED
    data = payload["data"]
    assert (data["order"], data["status"], data["previous_status"]) == (order.pk, "Canceled", "Pending")
    assert data["charge"] == "0.00000"  # refunded in full


def test_an_order_the_provider_rejects(hooked, place_order, simulator, default_service):
    customer, events = hooked
    order = place_order(customer)
    simulator.remove_service(default_service.provider_service_id)
    (payload,) = events(order_submit, order_id=order.pk)
    assert payload["data"]["status"] == "Canceled" and payload["data"]["charge"] == "0.00000"


def test_an_order_staff_cancel_and_refund(hooked, sent_order, simulator, provider, admin_user):
    customer, events = hooked
    order = sent_order(customer)
    simulator.force_status(order.provider_order_id, OrderStatus.IN_PROGRESS)
    events(orders_poll, provider=provider)
    events.seen = 1
    (payload,) = events(order_cancel_and_refund, order_id=order.pk, actor=admin_user, reason="customer asked")
    assert (payload["data"]["status"], payload["data"]["previous_status"]) == ("Canceled", "In progress")


def test_a_refill_polled_to_its_outcome(hooked, sent_order, simulator, provider):
    customer, events = hooked
    order = sent_order(customer)
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED, remains=0)
    events(orders_poll, provider=provider)
    events.seen = 1
    refill = order_request_refill(customer=customer, order_id=order.pk)
    assert events(refills_send) == []  # forwarded: still Pending, nothing to tell
    simulator.advance(REFILL_STEPS[0] + 1)
    (payload,) = events(refills_poll)
    assert payload["type"] == EventType.REFILL_STATUS_CHANGED
    assert payload["data"] == {
        "refill": refill.pk,
        "order": order.pk,
        "status": "In progress",
        "previous_status": "Pending",
    }


def test_a_refill_the_provider_refuses(hooked, sent_order, simulator, provider, default_service):
    customer, events = hooked
    order = sent_order(customer)
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED, remains=0)
    events(orders_poll, provider=provider)
    events.seen = 1
    refill = order_request_refill(customer=customer, order_id=order.pk)
    simulator.set_service(default_service.provider_service_id, refill=False)
    (payload,) = events(refills_send)
    assert payload["data"]["refill"] == refill.pk
    assert (payload["data"]["status"], payload["data"]["previous_status"]) == ("Rejected", "Pending")
