"""`status` answers in API v2 names from the customer's side: an order not yet sent is Pending, a
rejected or canceled-before-sending one Canceled; `charge` is what the customer paid in the end
(charge less refunds, 5 decimals) and `remains` the quantity until the provider tells."""

from decimal import Decimal

from orders.models import Order, Submission
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus


def status(api, reseller, order):
    return api({"key": reseller.key, "action": "status", "order": order.pk}).json()


def test_an_order_not_yet_sent_is_pending_with_all_of_it_remaining(api, reseller, place_order):
    order = place_order(customer=reseller.customer)
    for submission in (Submission.QUEUED, Submission.SENDING, Submission.UNKNOWN):
        Order.objects.filter(pk=order.pk).update(submission=submission)
        assert status(api, reseller, order) == {
            "charge": f"{order.charge:.5f}",
            "start_count": "0",
            "status": "Pending",
            "remains": str(order.quantity),
            "currency": "USD",
        }


def test_an_order_canceled_before_sending_is_canceled_and_charges_nothing(
    api, reseller, place_order, catalog
):
    order = place_order(customer=reseller.customer)
    answer = api({"key": reseller.key, "action": "cancel", "orders": str(order.pk)}).json()
    assert answer == [{"order": order.pk, "cancel": 1}]
    assert status(api, reseller, order) == {
        "charge": "0.00000",
        "start_count": "0",
        "status": "Canceled",
        "remains": str(order.quantity),
        "currency": "USD",
    }


def test_a_rejected_order_is_canceled(api, reseller, place_order):
    order = place_order(customer=reseller.customer)
    Order.objects.filter(pk=order.pk).update(submission=Submission.REJECTED, status=OrderStatus.CANCELED)
    assert status(api, reseller, order)["status"] == "Canceled"


def test_a_partial_order_charges_what_was_delivered(api, reseller, sent_order, simulator, provider):
    order = sent_order(customer=reseller.customer)
    simulator.force_status(order.provider_order_id, OrderStatus.PARTIAL, remains=order.quantity // 4)
    orders_poll(provider=provider)
    order.refresh_from_db()
    assert order.refunded > 0
    answer = status(api, reseller, order)
    assert answer["status"] == "Partial"
    assert answer["charge"] == f"{order.charge - order.refunded:.5f}"
    assert Decimal(answer["charge"]) < order.charge
    assert answer["remains"] == str(order.quantity // 4)
    assert answer["start_count"] == str(order.start_count)
