"""The admin's Price history list says, per row, what the customers' Updates page tells of it and
who or what made it, filters by that, and renders at 1280 px under the admin's CSP."""

import pytest

from catalog.models import Service
from catalog.services import catalog_sync, services_set_enabled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1280, "height": 800}


def test_the_list_shows_and_filters_the_updates(
    live_server, open_page, sign_in_as, admin_user, provider, simulator, catalog, screenshot
):
    simulator.set_service(1, rate="2.00")
    catalog_sync(provider=provider)
    services_set_enabled(services=Service.objects.filter(provider_service_id=2), enabled=False, by=admin_user)
    page = open_page(viewport=SCREEN)
    sign_in_as(page, admin_user)
    page.goto(f"{live_server.url}/admin/catalog/pricehistory/")
    header = page.locator("#result_list thead")
    for column in ("Update", "Previous rate", "Our rate", "Cause", "Changed by"):
        assert header.get_by_text(column, exact=True).count() == 1
    screenshot(page, "admin-price-history")

    page.locator("#changelist-filter").get_by_role("link", name="Disabled").click()
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Disabled" in rows.inner_text() and admin_user.email in rows.inner_text()
    assert page.csp_errors == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the list scrolls sideways by {overflow}px"
    table = page.locator("#result_list").evaluate("t => t.scrollWidth - t.parentElement.clientWidth")
    assert table <= 0, f"the table is cut by {table}px"
