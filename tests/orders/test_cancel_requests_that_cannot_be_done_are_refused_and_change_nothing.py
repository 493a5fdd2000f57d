"""A cancel is refused, with docs/api-v2.md's text where it has one, and nothing moves, when the service
does not allow it, the order is final, it is not the caller's, or a cancel was already asked for."""

from decimal import Decimal

import pytest

from billing.models import Balance, EntryKind, LedgerEntry
from catalog.models import Service
from orders.errors import OrderRefused
from orders.models import CancelState, Order, Submission
from orders.services.cancels_refills import cancels_send, order_request_cancel
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus


def balance(customer) -> Decimal:
    return Balance.objects.get(customer=customer).amount


@pytest.fixture
def no_cancel_service(catalog) -> Service:
    """Instagram Followers [No refill]: a Default service that allows neither cancel nor refill."""
    service = Service.objects.get(provider_service_id=2)
    assert not service.cancel and not service.refill
    return service


def assert_unchanged(order: Order) -> None:
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.submission, fresh.cancel_state, fresh.refunded) == (
        order.status,
        order.submission,
        order.cancel_state,
        order.refunded,
    )


def test_a_service_with_cancel_disabled_refuses_it(place_order, sent_order, no_cancel_service):
    for order in (place_order(service=no_cancel_service), sent_order(service=no_cancel_service)):
        before = balance(order.customer)
        with pytest.raises(OrderRefused) as refused:
            order_request_cancel(customer=order.customer, order_id=order.pk)
        assert refused.value.message == "Cancel is disabled for this service"
        assert_unchanged(order)
        assert balance(order.customer) == before


def test_a_final_order_cannot_be_canceled(sent_order, simulator, provider):
    order = sent_order()
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED)
    orders_poll(provider=provider)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED

    with pytest.raises(OrderRefused, match="can no longer be canceled"):
        order_request_cancel(customer=order.customer, order_id=order.pk)
    assert_unchanged(order)
    assert not LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).exists()


def test_an_order_whose_outcome_is_unknown_cannot_be_canceled_by_its_customer(place_order):
    order = place_order()
    Order.objects.filter(pk=order.pk).update(submission=Submission.UNKNOWN)
    order.refresh_from_db()
    with pytest.raises(OrderRefused, match="can no longer be canceled"):
        order_request_cancel(customer=order.customer, order_id=order.pk)
    assert_unchanged(order)


@pytest.mark.parametrize("state", ["queued", "sent"])
def test_another_customers_order_is_an_incorrect_order_id(place_order, sent_order, make_customer, state):
    order = place_order() if state == "queued" else sent_order()
    stranger = make_customer()
    with pytest.raises(OrderRefused) as refused:
        order_request_cancel(customer=stranger, order_id=order.pk)
    assert refused.value.message == "Incorrect order ID"
    assert_unchanged(order)


@pytest.mark.parametrize("order_id", ["999999", "abc", "", None, "1.5"])
def test_an_id_that_names_no_order_is_an_incorrect_order_id(make_customer, catalog, order_id):
    with pytest.raises(OrderRefused, match=r"^Incorrect order ID$"):
        order_request_cancel(customer=make_customer(), order_id=order_id)


def test_a_second_cancel_request_is_refused(sent_order, simulator):
    order = sent_order()
    order_request_cancel(customer=order.customer, order_id=order.pk)
    with pytest.raises(OrderRefused, match="already requested"):
        order_request_cancel(customer=order.customer, order_id=order.pk)
    cancels_send()
    order.refresh_from_db()
    assert order.cancel_state == CancelState.SENT
    with pytest.raises(OrderRefused, match="already requested"):
        order_request_cancel(customer=order.customer, order_id=order.pk)
    assert [r.action for r in simulator.received].count("cancel") == 1


def test_an_order_being_sent_right_now_is_refused_for_the_moment(place_order):
    order = place_order()
    Order.objects.filter(pk=order.pk).update(submission=Submission.SENDING)
    order.refresh_from_db()
    with pytest.raises(OrderRefused, match="being sent right now"):
        order_request_cancel(customer=order.customer, order_id=order.pk)
    assert_unchanged(order)
