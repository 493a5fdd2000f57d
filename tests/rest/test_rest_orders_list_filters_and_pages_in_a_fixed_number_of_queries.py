"""`GET /orders/` lists the caller's orders newest first, filtered by status (as customers see it),
service and creation time, in cursor pages of the same two queries whatever their size, which an
order placed meanwhile does not shift; a filter or cursor that is not one is a 400 naming it.
`GET /orders/{id}/` shows what API v2's `status` says."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from catalog.models import ServiceType
from orders.models import Order, Submission
from provider.statuses import OrderStatus
from tests.bulk import bulk_orders
from tests.rest.conftest import error_of


def walk(rest, between=lambda: None, **query) -> list[int]:
    """The ids of every page, following `next` as it is given; `between()` runs after each page."""
    ids, page = [], rest.get("orders/", **query).json()
    while True:
        ids += [order["id"] for order in page["results"]]
        between()
        if page["next"] is None:
            return ids
        link = urlparse(page["next"])
        page = rest.get(
            link.path, **{name: values[0] for name, values in parse_qs(link.query).items()}
        ).json()


def test_pages_walk_every_order_newest_first_once(rest, reseller, place_order):
    template = place_order(customer=reseller.customer)
    bulk_orders(reseller.customer, template, 120)
    ids = walk(rest, limit=50)
    assert ids == sorted(Order.objects.filter(customer=reseller.customer).values_list("pk", flat=True))[::-1]
    assert len(rest.get("orders/").json()["results"]) == 50
    assert len(rest.get("orders/", limit=1000).json()["results"]) == 100


def test_orders_placed_between_two_pages_neither_repeat_nor_skip_an_order(rest, reseller, place_order):
    placed = [place_order(customer=reseller.customer).pk for _ in range(5)]
    meanwhile: list[int] = []
    ids = walk(rest, lambda: meanwhile.append(place_order(customer=reseller.customer).pk), limit=2)
    assert ids == placed[::-1]
    assert walk(rest, limit=2) == meanwhile[::-1] + placed[::-1]


def test_a_page_runs_the_same_two_queries_for_1_order_as_for_100(
    rest, reseller, place_order, django_assert_num_queries, exact_query_count
):
    template = place_order(customer=reseller.customer)
    with django_assert_num_queries(2):  # the key, the page
        assert len(rest.get("orders/", limit=1).json()["results"]) == 1
    bulk_orders(reseller.customer, template, 150)
    with django_assert_num_queries(2):
        page = rest.get("orders/", limit=100, status="Pending", service=template.service_id).json()
    assert len(page["results"]) == 100
    cursor = parse_qs(urlparse(page["next"]).query)["cursor"][0]
    with django_assert_num_queries(2):
        assert len(rest.get("orders/", limit=100, cursor=cursor).json()["results"]) == 51


def test_status_filters_by_what_the_customer_sees(rest, reseller, place_order, completed_order):
    queued = place_order(customer=reseller.customer)
    completed = completed_order(customer=reseller.customer)
    rejected = place_order(customer=reseller.customer)
    Order.objects.filter(pk=rejected.pk).update(submission=Submission.REJECTED, status=OrderStatus.CANCELED)
    assert walk(rest, status="Pending") == [queued.pk]
    assert walk(rest, status="Completed") == [completed.pk]
    assert walk(rest, status="Canceled") == [rejected.pk]
    assert walk(rest, status="In progress") == []


def test_service_and_creation_time_filters(rest, reseller, catalog, place_order):
    first = place_order(customer=reseller.customer)
    package = place_order(customer=reseller.customer, service=catalog[ServiceType.PACKAGE])
    Order.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=2))
    yesterday = (timezone.now() - timedelta(days=1)).isoformat()
    assert walk(rest, service=package.service_id) == [package.pk]
    assert walk(rest, created_after=yesterday) == [package.pk]
    assert walk(rest, created_before=yesterday) == [first.pk]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"status": "Done"}, "status"),
        ({"service": "x"}, "service"),
        ({"service": "0"}, "service"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "2024-13-01"}, "created_before"),
        ({"cursor": "not a cursor!"}, "cursor"),
        ({"cursor": "cD1hYmM="}, "cursor"),  # a well-formed cursor whose position is not an id
    ],
)
def test_a_filter_or_cursor_that_is_not_one_is_a_400_naming_it(rest, place_order, reseller, query, field):
    place_order(customer=reseller.customer)
    response = rest.get("orders/", **query)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["field"]) == ("invalid_parameter", field)


def test_an_order_shows_what_api_v2_status_says(rest, client, reseller, completed_order):
    order = completed_order(customer=reseller.customer)
    shown = rest.get(f"orders/{order.pk}/").json()
    v2 = client.post("/api/v2", {"key": reseller.key, "action": "status", "order": order.pk}).json()
    assert (shown["status"], shown["charge"], shown["remains"]) == (
        v2["status"],
        v2["charge"],
        int(v2["remains"]),
    )
    assert str(shown["start_count"] or 0) == v2["start_count"]
