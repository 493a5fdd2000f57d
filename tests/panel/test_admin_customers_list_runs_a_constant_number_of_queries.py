"""The Customers list costs the same queries with 2 customers as with a full page of them, each
with deposits, orders and a refund: balances, spending and order counts are read with the page."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.services import ledger_refund

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/panel/user/"
MAX_QUERIES = 12


def _customers(make_customer, place_order, count: int) -> None:
    for _ in range(count):
        customer = make_customer("50")
        place_order(customer=customer)
        ledger_refund(order=place_order(customer=customer), amount=Decimal("0.01"), reason="partial")


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CHANGELIST).status_code == 200
    return len(captured)


def test_the_customers_list_runs_the_same_queries_with_few_or_many_customers(
    admin_client, make_customer, place_order, django_assert_max_num_queries
):
    _customers(make_customer, place_order, 2)
    few = _queries(admin_client)
    _customers(make_customer, place_order, 25)
    many = _queries(admin_client)

    assert few == many, f"{few} queries with 3 accounts, {many} with 28"
    with django_assert_max_num_queries(MAX_QUERIES):
        admin_client.get(CHANGELIST)
