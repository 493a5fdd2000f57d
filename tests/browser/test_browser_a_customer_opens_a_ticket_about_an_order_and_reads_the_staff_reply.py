"""A customer asks support about an order from its page, staff answer with a canned reply on the
ticket's admin page, and the customer sees the reply (and the menu's badge) on the site."""

import pytest
from playwright.sync_api import expect

from support.models import CannedReply, Ticket
from tests.conftest import with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_ticket_about_an_order_gets_the_staff_reply(
    open_page, sign_in_as, live_server, make_customer, completed_order, django_user_model, screenshot
):
    customer = make_customer("100")
    order = completed_order(customer=customer)
    staff = with_totp(
        django_user_model.objects.create_superuser(email="desk@example.com", password="pw-desk-123")
    )
    CannedReply.objects.create(title="Refill started", body="We started a refill of your order.")

    page = open_page()
    sign_in_as(page, customer)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.get_by_role("link", name="Ask support about this order").click()
    expect(page.locator("#id_orders")).to_have_value(str(order.pk))
    page.select_option("#id_request", "refill")
    page.fill("#id_message", "It dropped by 200 <b>followers</b>.")
    screenshot(page, "support-new-ticket")
    page.get_by_role("button", name="Open the ticket").click()
    expect(page.locator(".messages, [role=alert], main")).to_contain_text("opened")
    ticket = Ticket.objects.get()

    desk = open_page()
    sign_in_as(desk, staff)
    desk.goto(f"{live_server.url}/admin/support/ticket/{ticket.pk}/change/")
    expect(desk.locator(".ticket-thread")).to_contain_text("It dropped by 200 <b>followers</b>.")
    expect(desk.locator(f"#order-{order.pk}")).to_contain_text("Completed")
    desk.select_option("#id_canned", label="Refill started")
    expect(desk.locator("#id_message")).to_have_value("We started a refill of your order.")
    screenshot(desk, "support-admin-ticket", full_page=True)
    desk.get_by_role("button", name="Send the reply", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("Reply sent")

    page.goto(f"{live_server.url}/support/")
    expect(page.locator("#nav-side .nav-count")).to_have_text("1 unread")
    page.get_by_role("link", name=f"#{ticket.pk} Order: refill").click()
    expect(page.locator(".thread .from-staff")).to_contain_text("We started a refill of your order.")
    screenshot(page, "support-ticket")
    phone = open_page(viewport=PHONE)
    sign_in_as(phone, customer)
    phone.goto(f"{live_server.url}/support/{ticket.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "support-ticket-phone", full_page=True)
