"""The Cancel and Refill buttons and the services behind them ask one rule (orders.selectors): in
every state an order can be in, a button shows exactly where its request would be accepted."""

import pytest

from orders.errors import OrderRefused
from orders.models import CancelState, Order, Refill, Submission
from orders.selectors import customer_orders, decorate
from orders.services.cancels_refills import order_request_cancel, order_request_refill
from provider.statuses import OrderStatus

STATES = [
    (Submission.QUEUED, OrderStatus.PENDING, CancelState.NONE),
    (Submission.QUEUED, OrderStatus.PENDING, CancelState.REFUSED),
    (Submission.SENDING, OrderStatus.PENDING, CancelState.NONE),
    (Submission.SENT, OrderStatus.PENDING, CancelState.NONE),
    (Submission.SENT, OrderStatus.IN_PROGRESS, CancelState.NONE),
    (Submission.SENT, OrderStatus.IN_PROGRESS, CancelState.REQUESTED),
    (Submission.SENT, OrderStatus.IN_PROGRESS, CancelState.REFUSED),
    (Submission.SENT, OrderStatus.COMPLETED, CancelState.NONE),
    (Submission.SENT, OrderStatus.PARTIAL, CancelState.NONE),
    (Submission.SENT, OrderStatus.CANCELED, CancelState.NONE),
    (Submission.UNKNOWN, OrderStatus.PENDING, CancelState.NONE),
    (Submission.REJECTED, OrderStatus.CANCELED, CancelState.NONE),
]


def _accepted(request, customer, order) -> bool:
    try:
        request(customer=customer, order_id=order.pk)
    except OrderRefused:
        return False
    return True


@pytest.mark.parametrize("submission, status, cancel_state", STATES)
@pytest.mark.parametrize("refill_open", [False, True], ids=["no refill", "a refill under way"])
def test_each_button_shows_where_its_request_is_accepted(
    place_order, make_customer, submission, status, cancel_state, refill_open
):
    customer = make_customer("1000")
    order = place_order(customer=customer)
    Order.objects.filter(pk=order.pk).update(submission=submission, status=status, cancel_state=cancel_state)
    if refill_open:
        Refill.objects.create(order=order)

    shown = decorate(customer_orders(customer).get(pk=order.pk))
    assert shown.can_refill == _accepted(order_request_refill, customer, order)
    shown = decorate(customer_orders(customer).get(pk=order.pk))
    assert shown.can_cancel == _accepted(order_request_cancel, customer, order)
