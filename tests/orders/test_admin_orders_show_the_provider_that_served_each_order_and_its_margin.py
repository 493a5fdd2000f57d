"""The admin sees, on the Orders list and on an order's page, which provider served each order (its
service's backup after a failover) and the margin (what the customer paid less the provider's
charge), at the same number of queries however many orders failed over."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.money import money_display
from orders.models import Order, Submission

CHANGELIST = "/admin/orders/order/"


@pytest.fixture
def failed_over(place_order, backup_service):
    """failed_over(cost): an order the backup served, its provider's charge `cost` (or not yet known)."""

    def make(cost: str | None = "0.01"):
        order = place_order()
        Order.objects.filter(pk=order.pk).update(
            provider=backup_service.provider,
            served_by=backup_service,
            submission=Submission.SENT,
            cost=None if cost is None else Decimal(cost),
        )
        order.refresh_from_db()
        return order

    return make


def _rows(page: str) -> dict[str, str]:
    """The list's rows by order id: each row's HTML."""
    rows = page.split("<tr")[1:]
    return {row.split('value="')[1].split('"')[0]: row for row in rows if 'name="_selected_action"' in row}


def test_the_orders_list_names_the_serving_provider_and_shows_the_margin(
    admin_client, place_order, failed_over, provider, backup_provider
):
    own = place_order()
    served = failed_over(cost="0.01")

    rows = _rows(admin_client.get(CHANGELIST).content.decode())

    assert provider.name in rows[str(own.pk)] and "backup" not in rows[str(own.pk)]
    assert "—" in rows[str(own.pk)]  # not polled yet: no provider's charge, no margin
    assert backup_provider.name in rows[str(served.pk)] and "backup" in rows[str(served.pk)]
    assert money_display(served.charge - Decimal("0.01")) in rows[str(served.pk)]


def test_the_order_page_shows_the_backup_service_and_the_margin(admin_client, failed_over, backup_service):
    served = failed_over(cost="0.01")

    page = admin_client.get(reverse("admin:orders_order_change", args=[served.pk])).content.decode()

    assert "Served by" in page and str(backup_service) in page
    assert money_display(served.margin) in page


def test_the_orders_list_runs_the_same_queries_with_few_or_many_failed_over_orders(
    admin_client, place_order, failed_over
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(captured)

    place_order(), failed_over()
    few = queries()
    for _ in range(10):
        place_order(), failed_over(cost=None)
    assert queries() == few
