"""orders_in_status (the REST API's status filter, in SQL) finds exactly the orders whose
order_progress status (what API v2's `status` and the REST API show) is the one asked, for every
pair of where an order is at the provider and what status it holds; and each order is in exactly
one status."""

import itertools

import pytest

from orders.models import Order, Submission
from orders.selectors import order_progress, orders_in_status
from provider.statuses import OrderStatus


@pytest.mark.django_db
def test_every_status_filter_agrees_with_order_progress(place_order):
    template = place_order()
    for submission, status in itertools.product(Submission, OrderStatus):
        Order.objects.create(
            customer=template.customer,
            service=template.service,
            provider=template.provider,
            link=f"https://instagram.com/p/{submission}-{status}".replace(" ", "-"),
            quantity=100,
            rate=template.rate,
            charge=template.charge,
            submission=submission,
            status=status,
        )
    orders = Order.objects.all()
    assert len(orders) == 1 + len(Submission) * len(OrderStatus)
    found: list[int] = []
    for status in OrderStatus:
        expected = {order.pk for order in orders if order_progress(order).status == status}
        selected = list(orders_in_status(orders, status).values_list("pk", flat=True))
        assert set(selected) == expected, status
        found += selected
    # Each order is in exactly one status: no filter misses it, no two filters both find it.
    assert sorted(found) == sorted(order.pk for order in orders)
