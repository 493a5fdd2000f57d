"""A customer adds funds in the browser: Add funds with the test gateway, the live quote, the
gateway's pay page, back on the panel with the balance credited, and an order paid with it; then a
refund at the gateway leaves a debt the history tells."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from billing.models import Balance
from orders.models import Order
from payments.models import BonusTier, GatewaySettings, Payment, PaymentState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _settled(page) -> None:
    expect(page.locator(".htmx-request")).to_have_count(0)


def test_a_customer_pays_at_the_test_gateway_and_orders_with_the_money(
    live_server,
    open_page,
    make_customer,
    test_gateway,
    provider,
    service,
    eager_tasks,
    log_in,
    screenshot,
):
    cache.clear()
    GatewaySettings.objects.create(code="test", fee_percent="2.5")
    BonusTier.objects.create(from_amount=20, percent=5)
    customer = make_customer("0")
    followers = service("Instagram Followers [Refill 30 days]")

    page = open_page()
    log_in(page, customer.email)
    page.locator("#nav-side").get_by_role("link", name="Add funds").click()
    page.wait_for_url(f"{live_server.url}/payments/add/")
    expect(page.get_by_label("Test gateway (no real money)")).to_be_checked()
    page.get_by_label("Amount (USD)").fill("40")
    expect(page.locator("#quote-total")).to_have_text("41.00 USD")
    expect(page.locator("#quote-fee")).to_contain_text("1.00 USD")
    expect(page.locator("#quote-bonus")).to_have_text("+2.00 USD")
    _settled(page)
    screenshot(page, "add-funds", full_page=True)
    page.get_by_role("button", name="Continue to payment").click()

    # The gateway's own page, on its own server.
    page.wait_for_url(re.compile(rf"^{re.escape(test_gateway.url)}/pay/tp_"))
    expect(page.locator("#pay-amount")).to_have_text("41.00 USD")
    screenshot(page, "test-gateway-pay", full_page=True)
    page.get_by_role("button", name="Pay", exact=True).click()

    # Back on the panel: the callback credited the balance before the browser came back.
    page.wait_for_url(f"{live_server.url}/payments/")
    expect(page.locator(".flash.success")).to_contain_text("Payment received")
    payment = Payment.objects.get(customer=customer)
    row = page.locator(f"#payment-{payment.pk}")
    expect(row.locator(".badge")).to_have_text("Paid")
    expect(page.locator("#payments-balance")).to_have_text("42.00 USD")
    expect(page.locator(".balance-chip")).to_contain_text("42.00 USD")
    screenshot(page, "payments-history", full_page=True)
    assert payment.state == PaymentState.PAID and payment.bonus == Decimal("2.00000")

    # The money pays for an order.
    page.goto(f"{live_server.url}/orders/new/?service={followers.pk}")
    page.get_by_label("Link", exact=True).fill("https://instagram.com/p/paid-by-gateway")
    page.get_by_label("Quantity").fill("1000")
    _settled(page)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r".*/orders/\d+/$"))
    order = Order.objects.get(customer=customer)
    expect(page.locator(".flash.success")).to_contain_text(f"Order {order.pk} placed")
    assert Balance.objects.get(customer=customer).amount == Decimal("42") - order.charge
    assert page.csp_errors == []

    # Both pages fit a phone, the method offered and a payment in the history.
    phone = open_page(viewport={"width": 390, "height": 844})
    log_in(phone, customer.email)
    for url, name in (("/payments/add/", "add-funds-phone"), ("/payments/", "payments-history-phone")):
        phone.goto(f"{live_server.url}{url}")
        if url == "/payments/add/":
            phone.get_by_label("Amount (USD)").fill("25")
            expect(phone.locator("#quote-total")).to_have_text("25.63 USD")  # 25 + 2.5% (0.625, rounded up)
            spill = phone.evaluate(
                "(b => b.scrollWidth - b.clientWidth)(document.querySelector('#payment-quote'))"
            )
            assert spill <= 0, f"the quote spills out of its box by {spill}px"
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways at 390px by {overflow}px"
        _settled(phone)
        screenshot(phone, name, full_page=True)
    assert phone.csp_errors == []

    # The gateway's index, where a refund would be pressed.
    gateway = open_page()
    gateway.goto(f"{test_gateway.url}/")
    expect(gateway.locator(f"#{payment.gateway_payment_id}")).to_contain_text("paid")
    screenshot(gateway, "test-gateway-index", full_page=True)

    # A refund in full at the gateway after the money was spent: what the balance cannot cover is
    # the customer's debt, said plainly on the history.
    gateway.get_by_role("button", name="Refund").click()
    expect(gateway.locator(f"#{payment.gateway_payment_id}")).to_contain_text("refunded 41.00 USD")
    page.goto(f"{live_server.url}/payments/")
    expect(row.locator(".badge")).to_have_text("Refunded")
    expect(page.locator("#debt-notice")).to_contain_text("New orders are refused until it is settled")
    assert Balance.objects.get(customer=customer).debt > 0
    screenshot(page, "payments-history-debt", full_page=True)
