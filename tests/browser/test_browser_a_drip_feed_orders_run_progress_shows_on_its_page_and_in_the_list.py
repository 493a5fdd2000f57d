"""A drip-feed order whose provider reports its runs shows "run 2 of 5" on its page and in the
orders list, and the price list marks the services that offer drip-feed."""

import pytest
from playwright.sync_api import expect

from orders.models import Submission
from orders.services.forwarding import order_submit
from orders.services.placing import order_place
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_run_progress_and_the_drip_feed_mark_are_shown(
    live_server, open_page, make_customer, service, sign_in_as, screenshot, simulator, provider
):
    customer = make_customer("100")
    followers = service("Instagram Followers [Refill 30 days]")
    params = {"link": "https://instagram.com/p/drip", "quantity": "100", "runs": "5", "interval": "10"}
    order = order_place(customer=customer, service_id=followers.pk, params=params)
    assert order_submit(order_id=order.pk) == Submission.SENT
    order.refresh_from_db()
    simulator.force_status(order.provider_order_id, OrderStatus.IN_PROGRESS, remains=260)
    orders_poll(provider=provider)

    page = open_page()
    sign_in_as(page, customer)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(page.locator(".facts .runs")).to_have_text("run 2 of 5")
    screenshot(page, "order-drip-feed-runs")
    page.goto(f"{live_server.url}/orders/")
    expect(page.locator(f"#order-{order.pk} .runs")).to_have_text("Run 2 of 5")
    screenshot(page, "orders-drip-feed-runs")
    page.goto(f"{live_server.url}/services/")
    expect(page.locator(f'tr[data-service="{followers.pk}"] .badge')).to_have_text("Drip-feed")
    screenshot(page, "services-drip-feed-badge")
