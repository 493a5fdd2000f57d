"""A service's refill window (`refill_days` after the order completed; empty: no limit): within it
a refill is taken, after it refused with "Refill period has expired for this order", the Refill
button hidden, nothing created."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Service
from orders.errors import REFILL_PERIOD_EXPIRED, OrderRefused
from orders.models import Order, Refill
from orders.selectors import order_refill_refusal
from orders.services.cancels_refills import order_request_refill


def completed_days_ago(order: Order, days: float) -> Order:
    Order.objects.filter(pk=order.pk).update(completed_at=timezone.now() - timedelta(days=days))
    return Order.objects.select_related("service").get(pk=order.pk)


@pytest.fixture
def windowed(completed_order):
    """windowed(days, ago): a completed order of a service with a `days` window, completed `ago` days ago."""

    def make(days: int | None, ago: float) -> Order:
        order = completed_order()
        Service.objects.filter(pk=order.service_id).update(refill_days=days)
        return completed_days_ago(order, ago)

    return make


def test_within_the_window_a_refill_is_taken(windowed):
    order = windowed(days=30, ago=29.9)
    assert order_refill_refusal(order, refill_open=False) is None
    assert order_request_refill(customer=order.customer, order_id=order.pk).order_id == order.pk


def test_after_the_window_a_refill_is_refused_with_the_protocols_text(windowed):
    order = windowed(days=30, ago=30.1)
    assert order_refill_refusal(order, refill_open=False) == REFILL_PERIOD_EXPIRED

    with pytest.raises(OrderRefused) as refused:
        order_request_refill(customer=order.customer, order_id=order.pk)

    assert refused.value.message == REFILL_PERIOD_EXPIRED
    assert refused.value.code == "refill_period_expired"
    assert not Refill.objects.exists()


def test_without_a_window_an_old_order_is_still_refilled(windowed):
    order = windowed(days=None, ago=3650)
    assert order_request_refill(customer=order.customer, order_id=order.pk)


def test_the_orders_page_hides_the_refill_button_after_the_window(client, windowed):
    order = windowed(days=7, ago=8)
    client.force_login(order.customer)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert f"/orders/{order.pk}/refill/" not in page
    completed_days_ago(order, 1)
    assert f"/orders/{order.pk}/refill/" in client.get(f"/orders/{order.pk}/").content.decode()
