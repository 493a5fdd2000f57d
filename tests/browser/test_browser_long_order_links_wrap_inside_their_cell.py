"""A long order link, without a space to break at, wraps inside its cell of the orders table: it
never makes the table wider than the same table without it, and on a desktop screen the table
fits its box."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from orders.services.placing import order_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_LINK = (
    "https://instagram.com/p/" + "averyveryverylongpostnamewithoutanybreak" * 6 + "?utm_source=x&utm_medium=y"
)
WIDTH = "element => Math.round(element.getBoundingClientRect().width)"


@pytest.mark.parametrize("width", [1280, 1000, 800])
def test_a_long_link_wraps_in_its_cell_and_never_widens_the_table(
    live_server, open_page, make_customer, service, log_in, width
):
    cache.clear()
    customer = make_customer("100")
    followers = service("Instagram Followers [Refill 30 days]")
    short = order_place(
        customer=customer,
        service_id=followers.pk,
        params={"link": "https://instagram.com/p/a", "quantity": "100"},
    )
    long = order_place(
        customer=customer, service_id=followers.pk, params={"link": LONG_LINK, "quantity": "100"}
    )

    page = open_page(viewport={"width": width, "height": 900})
    log_in(page, customer.email)
    page.goto(f"{live_server.url}/orders/")
    link = page.locator(f"#order-{long.pk} td[data-label=Service] small")
    expect(link).to_have_text(LONG_LINK)
    table = page.locator("table.orders")
    with_link = table.evaluate(WIDTH)
    page.locator(f"#order-{long.pk}").evaluate("row => row.remove()")
    expect(page.locator(f"#order-{short.pk}")).to_be_visible()
    assert table.evaluate(WIDTH) == with_link, "the long link widened the table"
    if width >= 1280:
        box = page.locator("#orders .table-wrap")
        overflow = box.evaluate("element => element.scrollWidth - element.clientWidth")
        assert overflow <= 0, f"the orders table is {overflow}px wider than its box at {width}px"
    assert page.csp_errors == []
