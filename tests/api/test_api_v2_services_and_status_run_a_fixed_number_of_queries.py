"""`services` and `status` of 100 orders run as many queries for many items as for one: the catalog
comes in one query with its providers and categories, and the orders in one."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Category, Service
from orders.models import Order
from provider.statuses import OrderStatus


def queries(api, params) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        answer = api(params).json()
    return len(captured.captured_queries), answer


def test_services_runs_the_same_queries_for_20_services_as_for_220(api, reseller, catalog, provider):
    api({"key": reseller.key, "action": "balance"})  # the key's last use is recorded once a minute
    few, listed = queries(api, {"key": reseller.key, "action": "services"})
    assert len(listed) == 20

    template = Service.objects.filter(provider=provider).first()
    categories = [Category.objects.create(name=f"More {i}") for i in range(10)]
    Service.objects.bulk_create(
        Service(
            provider=provider,
            provider_service_id=1000 + i,
            type=template.type,
            category=categories[i % 10],
            name=f"Extra {i}",
            provider_rate=template.provider_rate,
            rate=template.rate,
            min_quantity=10,
            max_quantity=1000,
        )
        for i in range(200)
    )
    many, listed = queries(api, {"key": reseller.key, "action": "services"})
    assert len(listed) == 220
    assert many == few <= 3  # the key, the catalog (and, at most once a minute, the key's last use)


def test_status_of_100_orders_runs_the_same_queries_as_of_one(api, reseller, place_order):
    orders = [place_order(customer=reseller.customer) for _ in range(3)]
    template = orders[0]
    Order.objects.bulk_create(
        Order(
            customer=reseller.customer,
            service_id=template.service_id,
            provider_id=template.provider_id,
            link=f"https://instagram.com/p/bulk{i}",
            quantity=100,
            rate=template.rate,
            charge=template.charge,
            status=OrderStatus.PENDING,
        )
        for i in range(97)
    )
    ids = list(Order.objects.filter(customer=reseller.customer).values_list("pk", flat=True))
    assert len(ids) == 100
    api({"key": reseller.key, "action": "balance"})

    one, answer = queries(api, {"key": reseller.key, "action": "status", "orders": str(ids[0])})
    assert list(answer) == [str(ids[0])]
    hundred, answer = queries(
        api, {"key": reseller.key, "action": "status", "orders": ",".join(map(str, ids))}
    )
    assert len(answer) == 100 and all("status" in entry for entry in answer.values())
    single, _ = queries(api, {"key": reseller.key, "action": "status", "order": str(ids[0])})
    assert hundred == one == single <= 3
