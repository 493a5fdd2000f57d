"""A provider's Partial without `remains` moves nothing: the order keeps its status and money, is
flagged for an admin after a few such answers, and settles when a Partial with remains comes.
(A remains from an earlier poll would be stale, and a refund on it too large.)"""

from decimal import Decimal

from billing.models import Balance
from orders.models import Order, OrderEvent
from orders.services.polling import FLAG_AFTER_UNKNOWN_POLLS, orders_apply_statuses
from provider.client import OrderStatusResult
from provider.statuses import OrderStatus


def _partial(remains: int | None) -> OrderStatusResult:
    return OrderStatusResult(
        status=OrderStatus.PARTIAL,
        raw_status="Partial",
        charge=None,
        start_count=None,
        remains=remains,
        currency=None,
    )


def test_a_partial_without_remains_is_flagged_and_refunds_nothing_until_remains_come(sent_order):
    order = sent_order()
    Order.objects.filter(pk=order.pk).update(remains=order.quantity)  # an earlier "In progress" poll
    balance = Balance.objects.get(customer=order.customer).amount

    for _ in range(FLAG_AFTER_UNKNOWN_POLLS):
        orders_apply_statuses(answers={order.pk: _partial(None)})

    order.refresh_from_db()
    assert (order.status, order.refunded, order.flagged) == (OrderStatus.PENDING, Decimal(0), True)
    assert Balance.objects.get(customer=order.customer).amount == balance
    assert OrderEvent.objects.filter(order=order, message__contains="'Partial' without remains").exists()

    orders_apply_statuses(answers={order.pk: _partial(order.quantity // 4)})

    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL
    assert order.refunded == (order.charge / 4).quantize(Decimal("0.00001"), rounding="ROUND_DOWN")
    assert Balance.objects.get(customer=order.customer).amount == balance + order.refunded
