"""The orders page follows its orders that can still move: a poller asks /orders/live/ for their
rows, which come back as out-of-band swaps of the rows in place, with the poller again for those
still moving; once none is, the poller asks nothing. Only the owner's orders ever come back."""

import re

import pytest

from orders.models import Order
from provider.statuses import OrderStatus

pytestmark = pytest.mark.django_db


def _poller(page: str) -> str:
    return re.search(r'<div id="orders-live"[^>]*>', page).group(0)


def _polled_ids(page: str) -> list[int] | None:
    found = re.search(r'hx-get="/orders/live/\?ids=([\d,]+)"', _poller(page))
    return [int(pk) for pk in found.group(1).split(",")] if found else None


def _swapped_rows(answer: str) -> dict[int, str]:
    rows = re.findall(
        r'<template><tr id="order-(\d+)" hx-swap-oob="true">(.*?)</tr>\s*</template>', answer, re.S
    )
    return {int(pk): row for pk, row in rows}


@pytest.fixture
def orders(make_customer, refillable, place):
    customer = make_customer("1000")
    moving = place(customer, refillable, send=True)
    queued = place(customer, refillable)
    done = place(customer, refillable, send=True)
    Order.objects.filter(pk=moving.pk).update(status=OrderStatus.IN_PROGRESS, remains=moving.quantity)
    Order.objects.filter(pk=done.pk).update(status=OrderStatus.COMPLETED, remains=0)
    return customer, moving, queued, done


def test_the_page_polls_only_its_orders_that_can_still_move(logged_in, orders):
    customer, moving, queued, _ = orders
    page = logged_in(customer).get("/orders/").content.decode()
    assert sorted(_polled_ids(page)) == sorted([moving.pk, queued.pk])
    assert re.search(r'hx-trigger="every \d+s"', _poller(page))
    completed = logged_in(customer).get("/orders/?status=Completed").content.decode()
    assert _polled_ids(completed) is None and "hx-trigger" not in _poller(completed)


def test_the_live_rows_tell_the_new_status_and_progress_and_polling_stops_with_the_last(
    logged_in, orders, refillable
):
    customer, moving, queued, _ = orders
    client = logged_in(customer)
    url = f"/orders/live/?ids={moving.pk},{queued.pk}"
    answer = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/orders/?page=1")
    rows = _swapped_rows(answer.content.decode())
    assert set(rows) == {moving.pk, queued.pk}
    assert 'data-status="in-progress"' in rows[moving.pk] and f"0 / {moving.quantity}" in rows[moving.pk]
    # The row's buttons send the customer back to the page the row sits on.
    assert 'name="next" value="/orders/?page=1"' in rows[queued.pk]
    assert sorted(_polled_ids(answer.content.decode())) == sorted([moving.pk, queued.pk])

    Order.objects.filter(pk=moving.pk).update(status=OrderStatus.COMPLETED, remains=0)
    Order.objects.filter(pk=queued.pk).update(status=OrderStatus.CANCELED, refunded=queued.charge)
    answer = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    rows = _swapped_rows(answer)
    # Each row is swapped one last time, into its final status; then nothing is asked again.
    assert 'data-status="completed"' in rows[moving.pk]
    assert f"{moving.quantity} / {moving.quantity}" in rows[moving.pk]
    assert 'data-status="canceled"' in rows[queued.pk] and "back</small>" in rows[queued.pk]
    assert _polled_ids(answer) is None and "hx-trigger" not in _poller(answer)


def test_another_customers_orders_and_bad_ids_give_nothing(logged_in, make_customer, orders):
    _, moving, queued, _ = orders
    stranger = logged_in(make_customer("10"))
    answer = stranger.get(f"/orders/live/?ids={moving.pk},{queued.pk}", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert _swapped_rows(answer.content.decode()) == {} and _polled_ids(answer.content.decode()) is None
    assert moving.link not in answer.content.decode()
    for ids in ("", "abc", "-1,<script>", "9" * 18, "9" * 40, ",".join(["1"] * 500), f"{moving.pk}x"):
        answer = stranger.get("/orders/live/", {"ids": ids}, HTTP_HX_REQUEST="true")
        assert answer.status_code == 200, ids
        assert _swapped_rows(answer.content.decode()) == {}, ids


def test_the_live_rows_need_a_login(client, orders):
    _, moving, _, _ = orders
    answer = client.get(f"/orders/live/?ids={moving.pk}")
    assert answer.status_code == 302 and "/login/" in answer["Location"]
