"""The orders page updates an order's status and progress while the order moves at the provider,
without a reload: polling brings the provider's word (orders_poll) and the page swaps the row in
place; once no order on the page can move, the page stops asking."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from orders.models import Order, Submission
from orders.services.placing import order_place
from orders.services.polling import orders_poll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quick_live_rows(monkeypatch):
    """The page asks for its moving rows every second (the live server runs in this process)."""
    monkeypatch.setattr("orders.views.LIVE_SECONDS", 1)


def test_a_moving_order_is_updated_on_the_page_without_a_reload(
    live_server, open_page, make_customer, service, simulator, provider, eager_tasks, log_in, quick_live_rows
):
    cache.clear()
    customer = make_customer("100")
    followers = service("Instagram Followers [Refill 30 days]")
    # Placed and, its task run at once (eager_tasks), sent to the provider.
    order = order_place(
        customer=customer,
        service_id=followers.pk,
        params={"link": "https://instagram.com/p/live", "quantity": "400"},
    )
    order.refresh_from_db()
    assert order.submission == Submission.SENT
    done = order_place(
        customer=customer,
        service_id=followers.pk,
        params={"link": "https://instagram.com/p/done", "quantity": "100"},
    )
    simulator.force_status(Order.objects.get(pk=done.pk).provider_order_id, "Completed")
    orders_poll(provider=provider)

    page = open_page()
    log_in(page, customer.email)
    page.goto(f"{live_server.url}/orders/")
    row = page.locator(f"#order-{order.pk}")
    expect(row.locator(".badge")).to_have_text("Pending")
    expect(row.locator("progress")).to_have_attribute("value", "0")
    # Only the order that can still move is followed.
    expect(page.locator("#orders-live")).to_have_attribute("hx-get", f"/orders/live/?ids={order.pk}")
    page.evaluate("window.notReloaded = true")

    simulator.force_status(order.provider_order_id, "In progress", remains=150)
    orders_poll(provider=provider)
    expect(row.locator(".badge")).to_have_text("In progress")
    expect(row.locator("progress")).to_have_attribute("value", "250")
    expect(row).to_contain_text("250 / 400 · 150 left")

    simulator.force_status(order.provider_order_id, "Completed")
    orders_poll(provider=provider)
    expect(row.locator(".badge")).to_have_text("Completed")
    expect(row.locator("progress")).to_have_attribute("value", "400")
    expect(row.get_by_role("button", name=f"Refill order {order.pk}")).to_be_visible()
    # Nothing left that can move: the poller no longer asks.
    expect(page.locator("#orders-live")).not_to_have_attribute("hx-trigger", "every 1s")
    assert page.locator("#orders-live[hx-get]").count() == 0
    assert page.evaluate("window.notReloaded") is True, "the page was reloaded"
    assert page.csp_errors == []
