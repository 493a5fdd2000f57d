"""A page costs the same number of queries with 3 rows as with a full page of them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.services import ledger_deposit
from orders.models import Order, Refill
from orders.views import ORDERS_PER_PAGE

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _with_history(customer, service, place, orders: int) -> None:
    for _ in range(orders):
        order = place(customer, service, send=False)
        Order.objects.filter(pk=order.pk).update(
            status="Completed", remains=0, start_count=100, submission="sent"
        )
        Refill.objects.create(order=order)
        ledger_deposit(customer=customer, amount=1, created_by=None, reason="top-up")


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/orders/",
        "/orders/?status=Completed",
        "/orders/?q=instagram",
        "/orders/refills/",
        "/transactions/",
        "/funds/",
        "/orders/new/",
    ],
)
def test_a_page_runs_the_same_queries_with_few_or_many_rows(
    logged_in, make_customer, refillable, place, url, django_assert_max_num_queries
):
    few, many = make_customer("1000"), make_customer("1000")
    _with_history(few, refillable, place, 3)
    _with_history(many, refillable, place, ORDERS_PER_PAGE + 5)
    client = logged_in(few)
    few_count = _queries(client, url)
    client = logged_in(many)
    many_count = _queries(client, url)
    assert few_count == many_count, f"{url}: {few_count} queries with 3 rows, {many_count} with a full page"
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)


def test_the_htmx_orders_table_runs_the_same_queries_as_the_page(logged_in, make_customer, refillable, place):
    customer = make_customer("1000")
    _with_history(customer, refillable, place, ORDERS_PER_PAGE + 5)
    client = logged_in(customer)
    with CaptureQueriesContext(connection) as partial:
        assert client.get("/orders/?page=2", HTTP_HX_REQUEST="true").status_code == 200
    assert len(partial) <= MAX_QUERIES
