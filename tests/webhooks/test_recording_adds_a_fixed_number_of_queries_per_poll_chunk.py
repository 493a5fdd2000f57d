"""Recording webhook events costs a poll chunk two queries (the endpoints of its customers, one
insert of deliveries) whatever the number of orders and endpoints, one without endpoints, none
when no status moved; and no HTTP: receivers are never waited for while applying statuses."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order, Submission
from orders.services.polling import orders_apply_statuses
from provider.client import OrderStatusResult
from provider.statuses import OrderStatus
from webhooks.models import WebhookDelivery


def _answers(orders: list[Order], status: OrderStatus) -> dict:
    return {
        order.pk: OrderStatusResult(status, status.value, Decimal("0.1"), 10, 5, "USD") for order in orders
    }


def _queries(orders: list[Order], status: OrderStatus, capture) -> tuple[int, int]:
    """(queries, of which webhooks' own) of applying `status` to `orders`."""
    with capture(execute=False), CaptureQueriesContext(connection) as captured:
        orders_apply_statuses(answers=_answers(orders, status))
    return len(captured), sum("webhooks_" in query["sql"] for query in captured)


def test_a_chunk_of_10_or_100_orders_pays_the_same_two_queries_for_webhooks(
    make_customer, sent_order, make_receiver, make_endpoint, django_capture_on_commit_callbacks
):
    customers = [make_customer() for _ in range(4)]
    template = sent_order(customers[0])
    orders = Order.objects.bulk_create(
        Order(
            customer=customers[i % 4],
            service=template.service,
            provider=template.provider,
            link=f"https://instagram.com/p/many{i}",
            quantity=1000,
            rate=template.rate,
            charge=Decimal(0),
            submission=Submission.SENT,
            provider_order_id=30_000_000 + i,
        )
        for i in range(110)
    )
    few, many = orders[:10], orders[10:110]
    capture = django_capture_on_commit_callbacks

    assert _queries(few, OrderStatus.IN_PROGRESS, capture)[1] == 1  # the endpoint lookup finds none
    assert _queries(few, OrderStatus.IN_PROGRESS, capture)[1] == 0  # the same answer again: nothing moved
    assert WebhookDelivery.objects.count() == 0

    for customer in customers:
        make_endpoint(customer, make_receiver())
    make_endpoint(customers[0], make_receiver())  # a customer with two endpoints
    (few_total, few_hooks), (many_total, many_hooks) = (
        _queries(few, OrderStatus.PROCESSING, capture),
        _queries(many, OrderStatus.PROCESSING, capture),
    )
    assert few_hooks == many_hooks == 2
    assert few_total == many_total
    # 110 events; the first customer's 28 orders go to two endpoints.
    assert WebhookDelivery.objects.count() == 110 + 28
