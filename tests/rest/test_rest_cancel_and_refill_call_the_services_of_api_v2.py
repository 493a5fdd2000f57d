"""`POST /orders/{id}/cancel/` and `/refill/` call order_request_cancel and order_request_refill,
as API v2 does: a queued order is canceled and refunded at once, a sent one gets its cancel
requested; a completed order gets a refill, listed under `/refills/`. What the order or its service
does not allow is a 409 with a code of its own."""

import pytest

from billing.selectors import balance_amount
from catalog.models import Service
from orders.models import CancelState, Order, Submission
from provider.statuses import OrderStatus
from tests.rest.conftest import error_of


def test_canceling_a_queued_order_refunds_it_at_once(rest, reseller, place_order):
    order = place_order(customer=reseller.customer)
    before = balance_amount(customer_id=reseller.customer.pk)
    response = rest.post(f"orders/{order.pk}/cancel/")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["charge"]) == (order.pk, "Canceled", "0.00000")
    assert body["refunded"] == str(order.charge)
    assert balance_amount(customer_id=reseller.customer.pk) == before + order.charge


def test_canceling_a_sent_order_requests_it_and_a_second_time_is_a_409(rest, reseller, sent_order):
    order = sent_order(customer=reseller.customer)
    body = rest.post(f"orders/{order.pk}/cancel/").json()
    assert (body["status"], body["cancel"]) == ("Pending", "requested")
    assert Order.objects.get(pk=order.pk).cancel_state == CancelState.REQUESTED
    response = rest.post(f"orders/{order.pk}/cancel/")
    assert response.status_code == 409
    assert error_of(response) == {
        "code": "cancel_already_requested",
        "message": "A cancel was already requested for this order",
    }


@pytest.mark.parametrize(
    "change, code",
    [
        ({"cancel": False}, "cancel_disabled"),
        ({"status": OrderStatus.COMPLETED, "submission": Submission.SENT}, "cancel_too_late"),
        ({"submission": Submission.SENDING}, "order_being_sent"),
    ],
)
def test_a_cancel_the_order_does_not_allow_is_a_409(rest, reseller, place_order, change, code):
    order = place_order(customer=reseller.customer)
    if "cancel" in change:
        Service.objects.filter(pk=order.service_id).update(**change)
    else:
        Order.objects.filter(pk=order.pk).update(**change)
    response = rest.post(f"orders/{order.pk}/cancel/")
    assert response.status_code == 409
    assert error_of(response)["code"] == code


def test_a_completed_order_gets_a_refill_once_at_a_time(rest, reseller, completed_order):
    order = completed_order(customer=reseller.customer)
    response = rest.post(f"orders/{order.pk}/refill/")
    assert response.status_code == 201
    refill = response.json()
    assert (refill["order"], refill["status"]) == (order.pk, "Pending")
    assert rest.get(f"refills/{refill['id']}/").json() == refill
    assert rest.get("refills/").json() == {"next": None, "previous": None, "results": [refill]}
    again = rest.post(f"orders/{order.pk}/refill/")
    assert again.status_code == 409
    assert error_of(again)["code"] == "refill_under_way"


def test_a_refill_the_order_does_not_allow_is_a_409(rest, reseller, place_order, completed_order):
    pending = place_order(customer=reseller.customer)
    assert error_of(rest.post(f"orders/{pending.pk}/refill/"))["code"] == "refill_not_possible"
    completed = completed_order(customer=reseller.customer)
    Service.objects.filter(pk=completed.service_id).update(refill=False)
    response = rest.post(f"orders/{completed.pk}/refill/")
    assert response.status_code == 409
    assert error_of(response) == {"code": "refill_disabled", "message": "Refill is disabled for this service"}


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("POST", "orders/99999999/cancel/", "order_not_found"),
        ("POST", "orders/abc/refill/", "order_not_found"),
        ("GET", "refills/424242/", "refill_not_found"),
    ],
)
def test_an_order_or_refill_that_does_not_exist_is_a_404(rest, method, path, code):
    response = rest.post(path) if method == "POST" else rest.get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == code
