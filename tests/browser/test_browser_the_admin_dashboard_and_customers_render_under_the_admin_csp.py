"""The admin's dashboard (its chart drawn as SVG, no script) and the Customers list render in Chromium
under the admin's Content Security Policy, with nothing refused in the console, for every period."""

import pytest

from billing.money import money_display
from orders.services.placing import order_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1280, "height": 800}


def test_the_dashboard_charts_each_period_and_the_customers_list_shows_money_and_buttons(
    live_server, open_page, sign_in_as, make_customer, service, admin_user, screenshot
):
    followers = service("Instagram Followers [Refill 30 days]")
    customers = [make_customer("500") for _ in range(3)]
    for n, customer in enumerate(customers):
        order_place(
            customer=customer,
            service_id=followers.pk,
            params={"link": f"https://instagram.com/p/dash{n}", "quantity": str(150 * (n + 1))},
        )
    page = open_page(viewport=SCREEN)
    sign_in_as(page, admin_user)

    for days in (7, 30, 90):
        page.goto(f"{live_server.url}/admin/dashboard/?days={days}")
        chart = page.locator("svg.bars")
        assert chart.is_visible()
        assert chart.locator("polyline.profit").count() == 1
        assert page.locator(f"[aria-current='page']:has-text('{days}')").count() == 1
    screenshot(page, "admin-dashboard", full_page=True)

    page.goto(f"{live_server.url}/admin/panel/user/")
    row = page.locator(f"tr:has-text('{customers[0].email}')")
    assert row.locator("a:has-text('Deposit')").is_visible()
    assert row.locator("a:has-text('Adjust')").is_visible()
    customers[0].refresh_from_db()
    assert money_display(customers[0].balance.amount) in row.inner_text()
    assert (
        page.evaluate(
            "(() => { const box = document.querySelector('#changelist .results');"
            " return box.scrollWidth - box.clientWidth; })()"
        )
        <= 0
    ), "the list scrolls sideways"
    screenshot(page, "admin-customers")
    assert page.csp_errors == []
