"""A mass order in the browser: of three lines one is refused; the two placed leave the box, the bad
one stays to be fixed; placed again, it makes exactly one more order and repeats none."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_fixed_line_is_placed_once_and_the_placed_lines_never_again(
    live_server, open_page, make_customer, service, simulator, eager_tasks, log_in
):
    cache.clear()
    customer = make_customer("100")
    followers = service("Instagram Followers [Refill 30 days]")
    good = [f"{followers.pk} | https://instagram.com/p/mass-{n} | 100" for n in (1, 3)]
    bad = f"{followers.pk} | https://instagram.com/p/mass-2 | 1"

    page = open_page()
    log_in(page, customer.email)
    page.goto(f"{live_server.url}/orders/mass/")
    box = page.get_by_label("Orders")
    box.fill("\n".join([good[0], bad, good[1]]))
    page.get_by_role("button", name="Place orders").click()
    results = page.locator("table.mass-results tbody tr")
    expect(results).to_have_count(3)
    expect(results.nth(1)).to_contain_text(f"The minimum for this service is {followers.min_quantity}.")
    expect(page.locator(".flash")).to_contain_text("2 of 3 orders placed")
    # Only the refused line is left in the box.
    expect(box).to_have_value(bad)
    # Placed and sent (eager_tasks): the provider has each once.
    placed = set(Order.objects.filter(customer=customer).values_list("link", flat=True))
    assert placed == {"https://instagram.com/p/mass-1", "https://instagram.com/p/mass-3"}

    box.fill(bad.replace("| 1", f"| {followers.min_quantity}"))
    page.get_by_role("button", name="Place orders").click()
    expect(page.locator(".flash")).to_contain_text("1 of 1 orders placed")
    expect(page.locator("table.mass-results tbody tr")).to_have_count(1)
    expect(box).to_have_value("")
    links = sorted(Order.objects.filter(customer=customer).values_list("link", flat=True))
    assert links == [f"https://instagram.com/p/mass-{n}" for n in (1, 2, 3)]
    assert len(simulator.orders()) == 3
    assert page.csp_errors == []
