"""The orders pages tell an order's status and progress as API v2 `status` does (one reading,
orders.selectors.order_progress), and their status filter finds the orders the API calls so."""

import re

import pytest

from orders.models import Order, Submission
from panel.apikeys import api_key_create

pytestmark = pytest.mark.django_db


def _row(page: str, order: Order) -> str:
    return re.search(rf'<tr id="order-{order.pk}">.*?</tr>', page, re.S).group(0)


@pytest.fixture
def orders(make_customer, refillable, place):
    """One customer's orders in the states where the raw columns and what the customer sees differ."""
    customer = make_customer("1000")
    quantity = refillable.min_quantity * 10
    made = {
        name: place(customer, refillable, quantity=quantity, send=True) for name in ("going", "done", "lost")
    }
    made["queued"] = place(customer, refillable, quantity=quantity)
    Order.objects.filter(pk=made["going"].pk).update(status="In progress", remains=quantity // 4)
    # The provider says Completed and still reports units left: both are shown as it said them.
    Order.objects.filter(pk=made["done"].pk).update(status="Completed", remains=quantity // 5)
    # The provider rejected it: the customer sees Canceled whatever the status column held.
    Order.objects.filter(pk=made["lost"].pk).update(submission=Submission.REJECTED, status="Pending")
    return customer, {name: Order.objects.get(pk=order.pk) for name, order in made.items()}


def test_each_row_shows_the_status_and_progress_api_v2_reports(client, logged_in, orders):
    customer, made = orders
    key = api_key_create(customer=customer)[1]
    ids = ",".join(str(order.pk) for order in made.values())
    answers = client.post("/api/v2", {"key": key, "action": "status", "orders": ids}).json()
    page = logged_in(customer).get("/orders/").content.decode()
    for order in made.values():
        answer = answers[str(order.pk)]
        row = _row(page, order)
        delivered = order.quantity - min(int(answer["remains"]), order.quantity)
        assert f'data-status="{answer["status"].lower().replace(" ", "-")}"' in row, (answer, row)
        assert f"{delivered} / {order.quantity}" in row, (answer, row)
    going = _row(page, made["going"])
    assert f"{made['going'].remains} left" in going
    assert "left" not in _row(page, made["done"]) and "left" not in _row(page, made["queued"])


def test_the_order_page_shows_the_same_reading(logged_in, orders):
    customer, made = orders
    client = logged_in(customer)
    done = made["done"]
    page = client.get(f"/orders/{done.pk}/").content.decode()
    delivered = done.quantity - done.remains
    assert f"{delivered} of {done.quantity} delivered" in page
    lost = client.get(f"/orders/{made['lost'].pk}/").content.decode()
    assert "Canceled" in lost


@pytest.mark.parametrize(("status", "expected"), [("Pending", {"queued"}), ("Canceled", {"lost"})])
def test_the_status_filter_finds_the_orders_the_api_calls_so(logged_in, orders, status, expected):
    customer, made = orders
    page = logged_in(customer).get("/orders/", {"status": status}).content.decode()
    shown = {name for name, order in made.items() if f'<tr id="order-{order.pk}">' in page}
    assert shown == expected
