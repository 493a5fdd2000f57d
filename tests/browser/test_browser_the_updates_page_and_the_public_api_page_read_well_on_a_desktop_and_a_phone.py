"""The Updates page and the API page as a visitor sees it render under the CSP on a desktop and at
phone width (390 px) without scrolling sideways; the Updates page's kind filter and search work
by clicking."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from catalog.models import Service
from catalog.services import catalog_sync, services_set_enabled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
    assert page.csp_errors == []


def test_the_updates_page_filters_and_searches_on_a_desktop_and_a_phone(
    live_server, open_page, make_customer, provider, simulator, catalog, sign_in_as, screenshot
):
    cache.clear()
    simulator.set_service(1, rate="2.00")
    simulator.set_service(2, rate="0.05")
    simulator.remove_service(3)
    catalog_sync(provider=provider)
    four = Service.objects.get(provider_service_id=4)
    services_set_enabled(services=Service.objects.filter(pk=four.pk), enabled=False)
    customer = make_customer()

    page = open_page()
    sign_in_as(page, customer)
    page.goto(f"{live_server.url}/updates/")
    expect(page.locator("h1")).to_have_text("Updates")
    _fits(page)
    screenshot(page, "updates", full_page=False)

    page.locator("nav.tabs").get_by_role("link", name="Rate up").click()
    expect(page.locator("table.updates tbody tr")).to_have_count(1)
    assert page.locator("table.updates tbody tr").get_attribute("data-kind") == "rate_up"
    page.get_by_label("Search services").fill(str(four.pk))
    page.get_by_role("button", name="Search").click()
    expect(page.locator("p.empty")).to_contain_text("No update of a service matching")
    page.locator("nav.tabs").get_by_role("link", name="All").click()
    expect(page.locator("table.updates tbody tr[data-kind=disabled]")).to_have_count(1)

    phone = open_page(viewport=PHONE)
    sign_in_as(phone, customer)
    phone.goto(f"{live_server.url}/updates/")
    _fits(phone)
    screenshot(phone, "updates-phone")


def test_a_visitor_reads_the_api_page_on_a_desktop_and_a_phone(live_server, open_page, catalog, screenshot):
    for viewport, name in ((None, "api-public"), (PHONE, "api-public-phone")):
        page = open_page(viewport=viewport)
        page.goto(f"{live_server.url}/account/api/")
        expect(page.locator("#api-key")).to_contain_text("Sign in to create your key")
        expect(page.locator("#action-balance")).to_be_visible()
        _fits(page)
        screenshot(page, name)
