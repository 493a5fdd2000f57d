"""The Services page and the new-order page tell each service's average time, "—" while too few
of its orders have completed to tell."""

import re
from datetime import timedelta

import pytest

from catalog.models import Service
from panel.templatetags.panel_site import about_time

pytestmark = pytest.mark.django_db


def _cell(html: str, service: Service) -> str:
    row = re.search(rf'<tr data-service="{service.pk}">(.*?)</tr>', html, re.S)
    assert row, service
    return re.search(r'<td class="avg-time"[^>]*>(.*?)</td>', row.group(1), re.S).group(1)


@pytest.fixture
def timed(catalog, finished_order):
    """(a service with three orders done in 2 h 10 min or so, one with two orders only)."""
    known, unknown = Service.objects.filter(type="Default", enabled=True).order_by("pk")[:2]
    for minutes in (120, 130, 300):
        finished_order(known, timedelta(minutes=minutes))
    for minutes in (10, 20):
        finished_order(unknown, timedelta(minutes=minutes))
    return known, unknown


def test_the_services_page_has_an_average_time_column(logged_in, make_customer, timed):
    known, unknown = timed
    html = logged_in(make_customer()).get("/services/").content.decode()

    assert "<th>Average time</th>" in html
    assert _cell(html, known) == "about 2 h 10 min"
    assert _cell(html, unknown) == "—"


def test_the_new_order_page_tells_the_chosen_services_average_time(logged_in, make_customer, timed):
    known, unknown = timed
    client = logged_in(make_customer())

    for service, shown in ((known, "about 2 h 10 min"), (unknown, "—")):
        html = client.get("/orders/new/", {"service": service.pk}).content.decode()
        assert f'<strong id="average-time">{shown}</strong>' in html, service


@pytest.mark.parametrize(
    ("took", "shown"),
    [
        (timedelta(seconds=20), "about 1 min"),
        (timedelta(minutes=25, seconds=40), "about 26 min"),
        (timedelta(hours=2), "about 2 h"),
        (timedelta(hours=2, minutes=10, seconds=10), "about 2 h 10 min"),
        (timedelta(days=3, hours=4, minutes=40), "about 3 d 5 h"),
        (timedelta(days=2, minutes=5), "about 2 d"),
        (None, "—"),
    ],
)
def test_an_average_time_reads_as_people_say_it(took, shown):
    assert about_time(took) == shown


def test_the_price_line_tells_the_time_of_orders_of_the_typed_size(
    logged_in, make_customer, default_service, finished_order
):
    for hours in (1, 1, 2):
        finished_order(default_service, timedelta(hours=hours), quantity=500)
    for hours in (10, 12, 14):
        finished_order(default_service, timedelta(hours=hours), quantity=5000)
    client = logged_in(make_customer("1000"))

    def price_line(quantity: int) -> str:
        params = {"service": default_service.pk, "link": "https://instagram.com/p/x", "quantity": quantity}
        return client.get("/orders/new/price/", params).content.decode()

    assert "Orders of this size took about 1 h." in price_line(500)
    assert "Orders of this size took about 12 h." in price_line(5000)
    assert "Orders of this size" not in price_line(50)
