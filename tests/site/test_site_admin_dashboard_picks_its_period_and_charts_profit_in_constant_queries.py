"""The admin's dashboard picks its period (7, 30 or 90 days; any other `days` is 30, never a 500),
runs the same number of queries for each, tells profit exactly (revenue less provider cost, summed
by the database), and draws revenue, cost and a profit line in their own colours on a labelled
y-axis with no inline script."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from panel.templatetags.panel_site import money

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "admin-dashboard.css"


@pytest.mark.parametrize(
    ("query", "days"),
    [("?days=7", 7), ("?days=90", 90), ("", 30), ("?days=8", 30), ("?days=x", 30), ("?days=", 30)],
)
def test_the_period_is_one_offered_else_the_default(admin_client, query, days):
    response = admin_client.get(f"/admin/dashboard/{query}")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="revenue"') == page.count('class="cost"') == days
    assert f"Last {days} days" in page and f'<strong aria-current="page">{days} days</strong>' in page


def test_every_period_runs_the_same_number_of_queries(admin_client, make_customer, refillable, place):
    place(make_customer("100"), refillable, quantity=1000)
    counts = []
    for days in (7, 30, 90):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(f"/admin/dashboard/?days={days}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_profit_is_revenue_less_provider_cost_to_the_last_decimal(
    admin_client, make_customer, refillable, place
):
    customer = make_customer("100")
    first, second = place(customer, refillable, quantity=1000), place(customer, refillable, quantity=500)
    Order.objects.filter(pk=first.pk).update(cost=Decimal("0.33333"))
    Order.objects.filter(pk=second.pk).update(cost=Decimal("0.11112"))
    revenue = first.charge + second.charge

    page = admin_client.get("/admin/dashboard/?days=7").content.decode()

    profit = revenue - Decimal("0.44445")
    assert page.count(f'<dd data-stat="profit">{money(profit)}</dd>') == 2  # today and the 7 days
    assert f"<td>{money(profit)}</td>" in page  # today's row of the table


def test_the_chart_has_a_profit_line_a_labelled_y_axis_and_one_colour_per_series(admin_client):
    page = admin_client.get("/admin/dashboard/").content.decode()

    assert '<polyline points="' in page and 'class="profit"' in page
    assert 'class="axis-title">Amount (USD)</text>' in page
    assert page.count('class="tick"') == 5
    fills = {
        series: re.search(rf"rect\.{series}[^{{]*\{{[^}}]*fill: (#[0-9a-f]{{6}})", CSS.read_text()).group(1)
        for series in ("revenue", "cost")
    }
    profit = re.search(r"polyline\.profit \{[^}]*stroke: (#[0-9a-f]{6})", CSS.read_text()).group(1)
    assert len({fills["revenue"], fills["cost"], profit}) == 3


def test_the_page_runs_no_inline_script_under_the_admins_policy(admin_client):
    response = admin_client.get("/admin/dashboard/?days=90")
    page = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page) == []
    assert re.findall(r"\son[a-z]+=", page) == []
