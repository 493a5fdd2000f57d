"""A customer's whole day in a browser: credited by the admin, two orders of different types,
one followed to Completed and refilled, one canceled and refunded, then a mass order."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from playwright.sync_api import expect

from billing.money import charge_for
from catalog.pricing import customer_rate
from orders.models import CancelState, Order, Refill, Submission
from orders.services.cancels_refills import cancels_send, refills_send
from orders.services.polling import orders_poll
from panel.templatetags.panel_site import money
from tests.conftest import totp_code, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _admin_deposits(page, live_server, admin, customer, amount: str) -> None:
    # Staff sign in on the site's login page, which /admin/login/ sends them to.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/billing/balance/deposit/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("pw-12345-abc")
    page.locator("main").get_by_role("button", name="Sign In").click()
    # Staff have a second factor (STAFF_REQUIRE_2FA): the sign-in asks for the app's code.
    page.get_by_label("Code").fill(totp_code(admin))
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r".*/admin/billing/balance/deposit/$"))
    page.fill("#id_email", customer.email)
    page.fill("#id_amount", amount)
    page.fill("#id_reason", "Bank transfer 4411")
    page.click("input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text(f"Deposited {amount}")


def _settled(page) -> None:
    """Wait until htmx has no request in flight (it marks the element that asked with .htmx-request)."""
    expect(page.locator(".htmx-request")).to_have_count(0)


def _newest_order(customer) -> Order:
    return Order.objects.filter(customer=customer).latest("pk")


def test_a_customer_orders_follows_refills_cancels_and_mass_orders(
    live_server,
    open_page,
    make_customer,
    django_user_model,
    provider,
    service,
    simulator,
    eager_tasks,
    log_in,
    screenshot,
):
    cache.clear()
    customer = make_customer("0")
    admin = with_totp(
        django_user_model.objects.create_superuser(email="boss@example.com", password="pw-12345-abc")
    )
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    followers = service("Instagram Followers [Refill 30 days]")
    comments = service("Instagram Custom Comments")

    # The admin credits the customer's balance through the admin's deposit form.
    _admin_deposits(open_page(), live_server, admin, customer, "50")

    page = open_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Cancel order N?"
    log_in(page, customer.email)
    expect(page.locator("#stat-balance")).to_have_text("50.00 USD")

    # 1. A Default-type order: search the service, watch the price follow the quantity.
    page.get_by_role("link", name="New order").first.click()
    page.get_by_label("Search").fill("Refill 30")
    expect(page.locator("#id_category")).to_contain_text("Search results")  # the list was searched
    expect(page.locator("#id_service option:checked")).to_have_text(f"{followers.pk} · {followers.name}")
    expect(page.locator("#service-name")).to_have_text(followers.name)
    _settled(page)
    page.get_by_label("Link", exact=True).fill("https://instagram.com/p/browser-one")
    rate = customer_rate(followers, customer)
    page.get_by_label("Quantity").fill("100")
    expect(page.locator("#price-value")).to_have_text(money(charge_for(rate, 100)))
    page.get_by_label("Quantity").fill("1000")
    expect(page.locator("#price-value")).to_have_text(money(charge_for(rate, 1000)))
    screenshot(page, "new-order", full_page=True)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r".*/orders/\d+/$"))
    first = _newest_order(customer)
    expect(page.locator(".flash.success")).to_contain_text(f"Order {first.pk} placed")
    assert (first.service_id, first.quantity, first.charge) == (followers.pk, 1000, charge_for(rate, 1000))

    # 2. A Custom Comments order: another category, another service, another form.
    page.goto(f"{live_server.url}/orders/new/")
    page.get_by_label("Category").select_option(label="Instagram Comments")
    expect(page.locator("#id_service option")).not_to_have_count(0)
    expect(page.locator("#id_service")).not_to_contain_text("Followers")
    _settled(page)
    page.get_by_label("Service", exact=True).select_option(str(comments.pk))
    expect(page.locator("#service-name")).to_have_text(comments.name)
    _settled(page)
    expect(page.get_by_label("Quantity")).to_have_count(0)
    page.get_by_label("Link", exact=True).fill("https://instagram.com/p/browser-two")
    lines = "\n".join(f"Great post {n}!" for n in range(comments.min_quantity))
    page.get_by_role("textbox", name="Comments").fill(lines)
    expect(page.locator("#price-value")).to_have_text(
        money(charge_for(customer_rate(comments, customer), comments.min_quantity))
    )
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r".*/orders/\d+/$"))
    second = _newest_order(customer)
    assert second.service_id == comments.pk and second.params["comments"] == lines

    # 3. One more, to cancel later.
    page.goto(f"{live_server.url}/orders/new/?service={followers.pk}")
    page.get_by_label("Link", exact=True).fill("https://instagram.com/p/browser-three")
    page.get_by_label("Quantity").fill("500")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r".*/orders/\d+/$"))
    third = _newest_order(customer)
    assert {o.submission for o in Order.objects.filter(customer=customer)} == {Submission.SENT}

    # The provider delivers the first order; polling brings the news.
    simulator.force_status(first.provider_order_id, "Completed")
    orders_poll(provider=provider)
    page.goto(f"{live_server.url}/orders/")
    first_row = page.locator(f"#order-{first.pk}")
    expect(first_row.locator(".badge")).to_have_text("Completed")
    expect(first_row.locator("progress")).to_have_attribute("value", "1000")

    # Refill it from the list: the row is swapped in place.
    first_row.get_by_role("button", name=f"Refill order {first.pk}").click()
    expect(page.locator(f"#order-{first.pk} .notice")).to_contain_text("requested")
    refill = Refill.objects.get(order=first)
    assert refills_send().sent == 1
    page.get_by_role("link", name="Refills").first.click()
    expect(page.locator("main")).to_contain_text(f"#{refill.pk}")

    # Cancel the third: forwarded, the provider cancels, polling refunds it.
    page.goto(f"{live_server.url}/orders/")
    page.locator(f"#order-{third.pk}").get_by_role("button", name=f"Cancel order {third.pk}").click()
    expect(page.locator(f"#order-{third.pk} .notice")).to_contain_text(
        f"Cancel of order {third.pk} requested"
    )
    assert Order.objects.get(pk=third.pk).cancel_state == CancelState.REQUESTED
    assert cancels_send().sent == 1
    simulator.force_status(third.provider_order_id, "Canceled")
    orders_poll(provider=provider)
    third.refresh_from_db()
    assert third.status == "Canceled" and third.refunded == third.charge
    page.get_by_role("link", name="Transactions").first.click()
    refund_row = page.locator("tr[data-kind=refund]").filter(has_text=f"Order #{third.pk}")
    expect(refund_row).to_contain_text(money(third.charge, True))
    page.goto(f"{live_server.url}/orders/?status=Canceled")
    expect(page.locator(f"#order-{third.pk} .badge")).to_have_text("Canceled")

    # A mass order: two good lines and a bad one, each with its result.
    page.get_by_role("link", name="Mass order").first.click()
    page.get_by_label("Orders").fill(
        f"{followers.pk} | https://instagram.com/p/mass-1 | 100\n"
        f"{followers.pk} | https://instagram.com/p/mass-2 | 1\n"
        f"{followers.pk} | https://instagram.com/p/mass-3 | 200\n"
    )
    page.get_by_role("button", name="Place orders").click()
    results = page.locator("table.mass-results tbody tr")
    expect(results).to_have_count(3)
    expect(results.nth(0)).to_contain_text("Order #")
    expect(results.nth(1)).to_contain_text(f"The minimum for this service is {followers.min_quantity}.")
    expect(results.nth(2)).to_contain_text("Order #")
    assert Order.objects.filter(customer=customer).count() == 5

    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator(f"#order-{first.pk}")).to_be_visible()
    screenshot(page, "dashboard")
    assert page.csp_errors == []
