"""At 1280 px, staff work the admin's Manual queue (start an order, finish it in part) and settle an
unknown order by hand on its own page: the forms fit, say what they do, and the money moves once."""

import pytest

from orders.models import Order, Submission
from provider.statuses import OrderStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1280, "height": 800}


def test_staff_start_and_finish_a_manual_order_and_settle_an_unknown_one(
    live_server, open_page, sign_in_as, manual_order, place_order, admin_user, screenshot
):
    manual = manual_order(quantity=1000)
    unknown = place_order()
    Order.objects.filter(pk=unknown.pk).update(submission=Submission.UNKNOWN, flagged=True)
    page = open_page(viewport=SCREEN)
    sign_in_as(page, admin_user)

    page.goto(f"{live_server.url}/admin/orders/order/?manual=open")
    screenshot(page, "admin-manual-queue-1280")
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    page.locator(f"a[href*='/{manual.pk}/change/']").first.click()
    page.get_by_role("link", name="Start").click()
    page.get_by_role("button", name="Start").click()
    assert Order.objects.get(pk=manual.pk).status == OrderStatus.IN_PROGRESS

    page.get_by_role("link", name="Complete, partial or cancel…").click()
    page.get_by_role("radio", name="Partial").check()
    page.get_by_label("Delivered (for Partial)").fill("400")
    screenshot(page, "admin-manual-finish-1280")
    page.get_by_role("button", name="Finish the manual order").click()
    page.wait_for_url(f"**/admin/orders/order/{manual.pk}/change/")
    assert Order.objects.get(pk=manual.pk).status == OrderStatus.PARTIAL

    page.goto(f"{live_server.url}/admin/orders/order/{unknown.pk}/change/")
    page.get_by_role("link", name="Settle by hand…").click()
    page.get_by_role("radio", name="Canceled").check()
    page.get_by_label("Reason").fill("Not at the provider: checked its order list")
    screenshot(page, "admin-settle-by-hand-1280")
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    page.get_by_role("button", name="Settle by hand").click()
    page.wait_for_url(f"**/admin/orders/order/{unknown.pk}/change/")
    settled = Order.objects.get(pk=unknown.pk)
    assert (settled.status, settled.refunded) == (OrderStatus.CANCELED, unknown.charge)
