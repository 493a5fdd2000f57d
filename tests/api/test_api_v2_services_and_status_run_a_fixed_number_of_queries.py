"""`services` and `status` of 100 orders run as many queries for many items as for one: the catalog
comes in one query with its providers and categories, and the orders in one."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from provider.statuses import OrderStatus
from tests.bulk import bulk_orders, bulk_services


def queries(api, params) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        answer = api(params).json()
    return len(captured.captured_queries), answer


def test_services_runs_the_same_queries_for_20_services_as_for_220(
    api, reseller, catalog, provider, exact_query_count
):
    few, listed = queries(api, {"key": reseller.key, "action": "services"})
    assert len(listed) == 20
    bulk_services(provider)
    many, listed = queries(api, {"key": reseller.key, "action": "services"})
    assert len(listed) == 220
    assert many == few == 2  # the key, the catalog


def test_status_of_100_orders_runs_the_same_queries_as_of_one(api, reseller, place_order, exact_query_count):
    orders = [place_order(customer=reseller.customer) for _ in range(3)]
    bulk_orders(reseller.customer, orders[0], 97, status=OrderStatus.PENDING)
    ids = list(Order.objects.filter(customer=reseller.customer).values_list("pk", flat=True))
    assert len(ids) == 100

    one, answer = queries(api, {"key": reseller.key, "action": "status", "orders": str(ids[0])})
    assert list(answer) == [str(ids[0])]
    hundred, answer = queries(
        api, {"key": reseller.key, "action": "status", "orders": ",".join(map(str, ids))}
    )
    assert len(answer) == 100 and all("status" in entry for entry in answer.values())
    single, _ = queries(api, {"key": reseller.key, "action": "status", "order": str(ids[0])})
    assert hundred == one == single == 2  # the key, the orders
