"""The orders page's status tabs: one per status the page filters, each with the count of the
customer's orders in it (among those the search finds), each a link that keeps the search, the
shown tab marked aria-current; a search made in a tab stays in it."""

import re
from html import unescape

import pytest

from orders.models import Order, Submission
from provider.statuses import OrderStatus

pytestmark = pytest.mark.django_db


def _tabs(page: str) -> dict[str, tuple[str, int, bool]]:
    """{label: (href, count, current)} of the status tabs."""
    nav = re.search(r'<nav aria-label="Status".*?</nav>', page, re.S).group(0)
    tabs = {}
    for attrs, label, count in re.findall(
        r'<a ([^>]*)>([^<]+?) <span class="count">(\d+)</span></a>', nav, re.S
    ):
        href = unescape(re.search(r'href="([^"]*)"', attrs).group(1))
        tabs[label] = (href, int(count), 'aria-current="page"' in attrs)
    return tabs


@pytest.fixture
def orders(make_customer, refillable, place):
    customer = make_customer("1000")
    made = [place(customer, refillable, send=True) for _ in range(5)]
    Order.objects.filter(pk=made[0].pk).update(status=OrderStatus.COMPLETED, remains=0)
    Order.objects.filter(pk=made[1].pk).update(status=OrderStatus.COMPLETED, remains=0)
    Order.objects.filter(pk=made[2].pk).update(status=OrderStatus.IN_PROGRESS)
    # Rejected: the customer sees Canceled, and the Canceled tab counts it.
    Order.objects.filter(pk=made[3].pk).update(submission=Submission.REJECTED)
    queued = place(customer, refillable)  # not sent yet: Pending
    # Another customer's orders are in no count.
    place(make_customer("1000"), refillable, send=True)
    return customer, made, queued


def test_each_tab_counts_the_orders_in_its_status(logged_in, orders):
    customer, _, _ = orders
    tabs = _tabs(logged_in(customer).get("/orders/").content.decode())
    assert list(tabs) == ["All", *[status.label for status in OrderStatus]]
    counts = {label: count for label, (_, count, _) in tabs.items()}
    assert counts == {
        "All": 6,
        "Pending": 2,  # made[4], sent and pending at the provider, and the queued one
        "In progress": 1,
        "Processing": 0,
        "Completed": 2,
        "Partial": 0,
        "Canceled": 1,
    }
    assert tabs["All"][2] and not any(current for label, (_, _, current) in tabs.items() if label != "All")


def test_a_tab_link_keeps_the_search_and_its_tab_is_marked(logged_in, orders):
    customer, made, _ = orders
    client = logged_in(customer)
    # The search finds one order by its link; the counts are of what it finds.
    link = made[0].link
    tabs = _tabs(client.get("/orders/", {"q": link}).content.decode())
    assert tabs["All"][1] == 1 and tabs["Completed"][1] == 1 and tabs["Pending"][1] == 0
    href = tabs["Completed"][0]
    assert href.startswith("/orders/?") and f"q={link}" in unescape(
        href.replace("%3A", ":").replace("%2F", "/")
    )

    page = client.get(href).content.decode()
    assert _tabs(page)["Completed"][2] and not _tabs(page)["All"][2]
    assert f'id="order-{made[0].pk}"' in page
    assert f'id="order-{made[1].pk}"' not in page  # Completed too, but not found by the search
    # The search form sends the tab along: a new search stays in the Completed tab.
    assert re.search(r'<input type="hidden" name="status" value="Completed" form="order-filter">', page)
    assert re.search(r'<form [^>]*id="order-filter"', page)


def test_the_htmx_table_brings_its_tabs_and_an_unknown_status_is_all(logged_in, orders):
    customer, made, _ = orders
    client = logged_in(customer)
    partial = client.get("/orders/", {"status": "Canceled"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="orders">')
    assert _tabs(partial)["Canceled"][2]
    assert f'id="order-{made[3].pk}"' in partial and f'id="order-{made[0].pk}"' not in partial
    page = client.get("/orders/", {"status": "<b>nonsense</b>"})
    assert page.status_code == 200 and _tabs(page.content.decode())["All"][2]
