"""The orders page leaves the browser console clean (no error, no Content Security Policy
violation, no uncaught exception) when it loads and after each of its htmx swaps: a live row
update, a status tab, a search, a cancel from a row."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from orders.services.placing import order_place
from orders.services.polling import orders_poll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quick_live_rows(monkeypatch):
    monkeypatch.setattr("orders.views.LIVE_SECONDS", 1)


def _console(page) -> list[str]:
    """What the page logs as an error or warning, and its uncaught exceptions."""
    logged: list[str] = []
    page.on(
        "console",
        lambda message: (
            logged.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning") or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: logged.append(f"pageerror: {error}"))
    return logged


def test_the_orders_page_console_stays_clean_through_its_swaps(
    live_server, open_page, make_customer, service, simulator, provider, eager_tasks, log_in, quick_live_rows
):
    cache.clear()
    customer = make_customer("100")
    followers = service("Instagram Followers [Refill 30 days]")
    moving, other = (
        order_place(
            customer=customer,
            service_id=followers.pk,
            params={"link": f"https://instagram.com/p/{name}", "quantity": "300"},
        )
        for name in ("moving", "other")
    )
    moving.refresh_from_db()

    page = open_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Cancel order N?"
    logged = _console(page)
    log_in(page, customer.email)
    page.goto(f"{live_server.url}/orders/")
    expect(page.locator(f"#order-{moving.pk} .badge")).to_have_text("Pending")
    assert logged == [], "on load"

    # A live row update.
    with page.expect_response(lambda response: "/orders/live/" in response.url):
        simulator.force_status(moving.provider_order_id, "In progress", remains=100)
        orders_poll(provider=provider)
    expect(page.locator(f"#order-{moving.pk} .badge")).to_have_text("In progress")
    assert logged == [], "after a live update"

    # A status tab, then a search inside it.
    page.locator("nav.tabs").get_by_role("link", name="In progress").click()
    expect(page.locator("nav.tabs [aria-current=page]")).to_contain_text("In progress")
    expect(page.locator("table.orders tbody tr")).to_have_count(1)
    page.get_by_label("Search by order ID or link").fill("moving")
    expect(page).to_have_url(re.compile(r".*/orders/\?q=moving&status=In(\+|%20)progress$"))
    expect(page.locator(f"#order-{moving.pk}")).to_be_visible()
    assert logged == [], "after a tab and a search"

    # A cancel from the row, in the All tab, the search cleared (a tab keeps the search).
    page.get_by_label("Search by order ID or link").fill("")
    expect(page.locator("nav.tabs").get_by_role("link", name="All")).to_contain_text("2")
    page.locator("nav.tabs").get_by_role("link", name="All").click()
    expect(page.locator(f"#order-{other.pk}")).to_be_visible()
    page.locator(f"#order-{other.pk}").get_by_role("button", name=f"Cancel order {other.pk}").click()
    expect(page.locator(f"#order-{other.pk} .notice")).to_contain_text("Cancel of order")
    with page.expect_response(lambda response: "/orders/live/" in response.url):
        pass
    assert logged == [], "after a cancel and another live update"
    assert page.csp_errors == []


def test_a_tab_clicked_while_a_live_poll_is_under_way_waits_for_it(
    live_server, open_page, make_customer, service, eager_tasks, log_in, quick_live_rows
):
    cache.clear()
    customer = make_customer("100")
    followers = service("Instagram Followers [Refill 30 days]")
    moving = order_place(
        customer=customer,
        service_id=followers.pk,
        params={"link": "https://instagram.com/p/held", "quantity": "300"},
    )

    page = open_page()
    logged = _console(page)
    held = []
    page.route("**/orders/live/**", lambda route: held.append(route))
    log_in(page, customer.email)
    with page.expect_request(lambda request: "/orders/live/" in request.url):
        page.goto(f"{live_server.url}/orders/")
    for _ in range(50):  # the poller's request, held on its way
        if held:
            break
        page.wait_for_timeout(100)
    # The Completed tab has none of the polled rows: the poll's answer must not land after it.
    page.locator("nav.tabs").get_by_role("link", name="Completed").click()
    page.wait_for_timeout(300)  # time for the tab's answer to land first, were it not made to wait
    held[0].continue_()
    expect(page.locator("nav.tabs [aria-current=page]")).to_contain_text("Completed")
    expect(page.locator(f"#order-{moving.pk}")).to_have_count(0)
    expect(page.locator("#orders-live[hx-get]")).to_have_count(0)
    assert logged == []
