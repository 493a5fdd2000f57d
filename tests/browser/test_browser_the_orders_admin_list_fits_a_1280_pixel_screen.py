"""The admin's Orders list fits a 1280x800 screen: nothing scrolls sideways though links, service
names and e-mail addresses are long (cut short, the whole text in the cell's title), and money
reads as money_display writes it, never with the database's ten decimals."""

import pytest

from billing.money import AMOUNT_QUANTUM, money_display
from billing.services import ledger_refund
from orders.models import Order
from orders.services.placing import order_place
from panel.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1280, "height": 800}


def test_the_orders_list_fits_1280_pixels_with_long_texts_cut_short(
    live_server, open_page, sign_in_as, make_customer, service, admin_user, screenshot
):
    followers = service("Instagram Followers [Refill 30 days]")
    customer = make_customer("1000")
    User.objects.filter(pk=customer.pk).update(email=f"{'a-very-long-mailbox-name' * 3}@example.com")
    long_link = f"https://instagram.com/p/{'averyveryverylongpostname' * 6}"
    for n in range(5):
        placed = order_place(
            customer=customer, service_id=followers.pk, params={"link": f"{long_link}{n}", "quantity": "150"}
        )
        Order.objects.filter(pk=placed.pk).update(
            status="In progress", submission="sent", provider_order_id=9_876_543_210 + n
        )
    order = Order.objects.filter(customer=customer).first()
    # The widest cells: a refunded charge, and a status with the provider's side and a flag.
    refunded, unknown = Order.objects.filter(customer=customer).exclude(pk=order.pk)[:2]
    ledger_refund(order=refunded, amount=(refunded.charge / 3).quantize(AMOUNT_QUANTUM), reason="partial")
    Order.objects.filter(pk=unknown.pk).update(submission="unknown", flagged=True)

    page = open_page(viewport=SCREEN)
    sign_in_as(page, admin_user)
    page.goto(f"{live_server.url}/admin/orders/order/")
    screenshot(page, "admin-orders-1280")

    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    # The admin scrolls a wide table inside its box rather than the page: that counts as cut too.
    table = page.evaluate(
        "(() => { const box = document.querySelector('#changelist .results');"
        " const table = document.querySelector('#result_list');"
        " return [box.scrollWidth - box.clientWidth, table.getBoundingClientRect().right]; })()"
    )
    assert table[0] <= 0, f"the orders table scrolls sideways in its box by {table[0]}px"
    assert table[1] <= SCREEN["width"]
    row = page.locator(f"tr:has(a[href$='/{order.pk}/change/'])")
    link = row.locator("td.field-link_short span")
    assert link.get_attribute("title") == order.link
    assert len(link.inner_text()) <= 28
    assert row.locator("td.field-customer_shown span").get_attribute("title") == order.customer.email
    assert row.locator("td.field-charge_shown").inner_text() == money_display(order.charge)
