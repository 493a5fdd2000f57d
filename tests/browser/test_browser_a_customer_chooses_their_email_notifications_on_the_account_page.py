"""On the Account page a customer ticks the e-mails they want and a low-balance line, saves, and
sees their choice kept, on a wide screen and on a phone, under the CSP."""

import pytest
from playwright.sync_api import expect

from notifications.models import Preferences

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_saves_notifications_and_sees_them_kept(
    live_server, open_page, make_customer, sign_in_as, screenshot
):
    customer = make_customer("100")
    page = open_page()
    sign_in_as(page, customer)
    page.goto(f"{live_server.url}/account/")

    section = page.locator("#notifications")
    section.get_by_label("Order completed").check()
    section.get_by_label("Payment credited").check()
    section.get_by_label("Balance falls below (USD)").fill("2.50")
    section.get_by_role("button", name="Save notifications").click()

    expect(page.get_by_text("Your e-mail notifications are saved.")).to_be_visible()
    expect(section.get_by_label("Order completed")).to_be_checked()
    expect(section.get_by_label("Order canceled")).not_to_be_checked()
    expect(section.get_by_label("Balance falls below (USD)")).to_have_value("2.50")
    assert page.csp_errors == []
    saved = Preferences.objects.get(customer=customer)
    assert (saved.order_completed, saved.payment_credited, saved.order_partial) == (True, True, False)
    screenshot(page, "account-notifications", full_page=True)

    phone = open_page(viewport={"width": 390, "height": 844})
    sign_in_as(phone, customer)
    phone.goto(f"{live_server.url}/account/")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(phone, "account-notifications-phone", full_page=True)
