"""The orders page runs the same number of queries whatever the number of orders, filtered or not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks import fixtures

STATUSES = ["Pending", "In progress", "Completed", "Partial", "Canceled"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", ["", "?status=Completed", "?page=2"])
def test_orders_page_runs_as_many_queries_for_200_orders_as_for_10(client, django_user_model, service, query):
    few, many = fixtures.customers(2)
    fixtures.insert_orders(owners=[few], service=service, count=10, statuses=STATUSES, vacuum=False)
    fixtures.insert_orders(
        owners=[many], service=service, count=200, first_provider_order_id=11, statuses=STATUSES, vacuum=False
    )
    url = reverse("orders:list") + query

    client.force_login(few)
    with_few = _queries(client, url)
    client.force_login(many)
    with_many = _queries(client, url)

    assert with_many == with_few
