"""The orders table has a Quantity column: a drip-feed order reads as its quantity per run times
its runs (100 times 5 runs), every other order as the units it was charged for."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _quantity_cell(page: str, order) -> str:
    row = re.search(rf'<tr id="order-{order.pk}">.*?</tr>', page, re.S).group(0)
    return re.search(r'<td data-label="Quantity"[^>]*>(.*?)</td>', row, re.S).group(1)


def test_a_drip_feed_order_shows_its_quantity_per_run_times_its_runs(
    logged_in, make_customer, refillable, place
):
    customer = make_customer("1000")
    drip = place(customer, refillable, quantity=100, runs="5", interval="30")
    single = place(customer, refillable, quantity=250)
    assert drip.quantity == 500  # charged for every run

    for url in ("/orders/", "/dashboard/"):
        page = logged_in(customer).get(url).content.decode()
        assert ">Quantity</th>" in page, url
        assert _quantity_cell(page, drip) == "100 \N{MULTIPLICATION SIGN} 5 runs", url
        assert _quantity_cell(page, single) == "250", url
