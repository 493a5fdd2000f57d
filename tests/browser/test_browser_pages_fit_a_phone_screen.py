"""At phone width (390x844) no page scrolls sideways, the brand in the header is not cut, the menu
reaches every page, and an order is a compact card: its secondary figures on one line under the
link."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from orders.models import Order
from orders.services.placing import order_place
from tests.site.pages import ACCOUNT_PAGES, CUSTOMER_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PAGES = [*CUSTOMER_PAGES, "/services/", *ACCOUNT_PAGES]


def test_every_page_fits_a_phone_and_the_menu_works(
    live_server, open_page, make_customer, service, log_in, screenshot
):
    cache.clear()
    customer = make_customer("100")
    followers = service("Instagram Followers [Refill 30 days]")
    for n in range(4):
        order_place(
            customer=customer,
            service_id=followers.pk,
            # Long links must wrap, not widen the page.
            params={
                "link": f"https://instagram.com/p/{'averyveryverylongpostname' * 4}{n}",
                "quantity": "100",
            },
        )
    Order.objects.filter(customer=customer).update(start_count=15603, remains=40, status="In progress")

    page = open_page(viewport=PHONE)
    log_in(page, customer.email)
    blocked = {}
    for url in PAGES:
        page.csp_errors.clear()
        page.goto(f"{live_server.url}{url}")
        blocked[url] = list(page.csp_errors)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways at 390px by {overflow}px"
        cut = page.locator(".topbar .brand").evaluate("brand => brand.scrollWidth - brand.clientWidth")
        assert cut <= 0, f"{url}: the brand is cut by {cut}px"

    page.goto(f"{live_server.url}/dashboard/")
    assert not page.locator("#nav-side").is_visible()  # the sidebar is for wide screens
    page.get_by_text("Menu", exact=True).click()
    page.locator("#nav-mobile").get_by_role("link", name="Orders").click()
    page.wait_for_url(re.compile(r".*/orders/$"))
    expect(page.locator("table.orders tbody tr")).to_have_count(4)
    row = page.locator("table.orders tbody tr").first
    link = row.locator("td[data-label=Service]").bounding_box()
    figures = [
        row.locator(f"td[data-label='{label}']").bounding_box()
        for label in ("Quantity", "Charge", "Start count")
    ]
    # Folded under the link, side by side on one line.
    assert all(box["y"] >= link["y"] + link["height"] - 1 for box in figures), (link, figures)
    assert len({round(box["y"]) for box in figures}) == 1, figures
    assert row.bounding_box()["height"] < 330, row.bounding_box()
    screenshot(page, "orders-phone")
    assert {url: errors for url, errors in blocked.items() if errors} == {}
    assert page.csp_errors == []


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def test_the_services_page_shows_every_column_on_a_phone_and_its_search_button_sits_by_the_box(
    live_server, open_page, make_customer, catalog, log_in, screenshot
):
    cache.clear()
    customer = make_customer("100")
    page = open_page(viewport=PHONE)
    log_in(page, customer.email)
    page.goto(f"{live_server.url}/services/?q=Instagram")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Nothing of a row is cut off: every cell, the last ones too, lies within the screen.
    cells = page.locator("table.prices tbody tr").first.locator("td")
    assert cells.count() >= 7
    for index in range(cells.count()):
        box = _box(cells.nth(index))
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (index, box)
    field = _box(page.get_by_label("Search services"))
    button = _box(page.get_by_role("button", name="Search", exact=True))
    assert abs(button["y"] - field["y"]) < 2, "the Search button sits on the search box's line"
    assert button["width"] < PHONE["width"] / 3, "the Search button is not stretched across the page"
    screenshot(page, "services-phone")


def test_the_services_search_button_keeps_its_own_width_on_a_wide_screen(
    live_server, open_page, make_customer, catalog, log_in
):
    cache.clear()
    customer = make_customer("100")
    page = open_page()
    log_in(page, customer.email)
    page.goto(f"{live_server.url}/services/")
    field = _box(page.get_by_label("Search services"))
    button = _box(page.get_by_role("button", name="Search", exact=True))
    assert abs(button["y"] - field["y"]) < 2
    assert button["x"] >= field["x"] + field["width"] - 2, "the button follows the box"
    assert button["width"] < 200, button
