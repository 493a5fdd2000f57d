"""A service's average time (docs/design.md): the median time from placement to completion of its
last 10 completed orders, told from 3 of them on, for every service asked in one query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Service
from orders.selectors import services_completion_times
from provider.statuses import OrderStatus

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def three(catalog):
    return list(Service.objects.filter(type="Default", enabled=True).order_by("pk")[:3])


def test_the_median_of_the_last_ten_completed_orders_only(finished_order, three):
    busy, few, some = three
    for ago in (20, 21):  # the oldest two: slow, and past the last ten
        finished_order(busy, 100 * HOUR, ago=ago)
    for hours in range(1, 11):
        finished_order(busy, hours * HOUR, ago=hours)
    finished_order(few, HOUR)
    finished_order(few, 2 * HOUR)
    finished_order(few, 9 * HOUR, status=OrderStatus.PARTIAL)  # not completed: not counted
    finished_order(few, 9 * HOUR, status=OrderStatus.CANCELED)
    for minutes in (30, 40, 70):
        finished_order(some, timedelta(minutes=minutes))

    with CaptureQueriesContext(connection) as queries:
        times = services_completion_times(service_ids=[s.pk for s in three])

    assert len(queries) == 1
    assert times == {busy.pk: timedelta(hours=5, minutes=30), some.pk: timedelta(minutes=40)}


def test_with_a_quantity_only_orders_of_its_order_of_magnitude_count(finished_order, three):
    service = three[0]
    for hours in (1, 1, 2):
        finished_order(service, hours * HOUR, quantity=500)
    for hours in (10, 12, 14):
        finished_order(service, hours * HOUR, quantity=5000)

    assert services_completion_times(service_ids=[service.pk], quantity=100) == {service.pk: HOUR}
    assert services_completion_times(service_ids=[service.pk], quantity=9999) == {service.pk: 12 * HOUR}
    assert services_completion_times(service_ids=[service.pk], quantity=50) == {}
    assert services_completion_times(service_ids=[service.pk]) == {service.pk: 6 * HOUR}
