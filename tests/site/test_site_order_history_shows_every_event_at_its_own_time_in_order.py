"""The order page's history: every step at its own time, oldest first, a refused cancel included
(it used to show the final status at `updated_at`, which bulk polling never moved, and always last)."""

import re
from datetime import datetime

import pytest

from orders.models import Order
from orders.services.cancels_refills import cancels_send, order_request_cancel
from orders.services.polling import orders_poll
from panel.templatetags.panel_site import money
from provider.statuses import OrderStatus

pytestmark = pytest.mark.django_db


def _history(page: str) -> list[tuple[datetime, str]]:
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S).group(1)
    return [
        (datetime.fromisoformat(at), " ".join(re.sub(r"<[^>]+>", "", text).split()))
        for at, text in re.findall(r'<li><time datetime="([^"]+)">[^<]*</time>(.*?)</li>', timeline, re.S)
    ]


def test_each_step_is_shown_at_its_own_time_oldest_first(
    logged_in, make_customer, refillable, place, simulator, provider
):
    customer = make_customer("100")
    order = place(customer, refillable, send=True)
    simulator.force_status(order.provider_order_id, OrderStatus.IN_PROGRESS)
    orders_poll(provider=provider)
    order_request_cancel(customer=customer, order_id=order.pk)
    # Done at the provider before our cancel reaches it: the provider refuses the cancel.
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED)
    assert cancels_send().refused == 1
    orders_poll(provider=provider)

    history = _history(logged_in(customer).get(f"/orders/{order.pk}/").content.decode())

    assert [text for _, text in history] == [
        "Placed",
        "Charge " + money(-order.charge, signed=True),
        "In progress",
        "Cancel requested",
        "The provider refused the cancel",
        "Completed",
    ]
    times = [at for at, _ in history]
    assert times == sorted(times)


def test_bulk_polling_moves_the_time_an_order_last_changed(sent_order, simulator, provider):
    order = sent_order()
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED)

    orders_poll(provider=provider)

    assert Order.objects.get(pk=order.pk).updated_at > order.updated_at


def test_staff_messages_never_reach_the_customers_history(logged_in, make_customer, refillable, place):
    customer = make_customer("100")
    order = place(customer, refillable, send=True)

    page = logged_in(customer).get(f"/orders/{order.pk}/").content.decode()

    assert [text for _, text in _history(page) if not text.startswith("Charge")] == ["Placed"]
    assert "provider's order id" not in page


def test_a_forwarded_cancel_moves_the_time_an_order_last_changed(sent_order):
    order = sent_order()
    order_request_cancel(customer=order.customer, order_id=order.pk)
    requested = Order.objects.get(pk=order.pk).updated_at

    assert cancels_send().sent == 1

    assert Order.objects.get(pk=order.pk).updated_at > requested
