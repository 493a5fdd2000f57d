"""The order form calls order_place; the live price is what placing charges; errors land at their field."""

import re
from decimal import Decimal

import pytest

from catalog.models import Service
from orders.errors import BAD_LINK, NOT_ENOUGH_FUNDS, PLAIN
from orders.models import Order

pytestmark = pytest.mark.django_db


def _price(page: str) -> str:
    return re.search(r'id="price-value">([^<]+)<', page).group(1)


@pytest.mark.parametrize("quantity", ["50", "137", "1001", "9999"])
def test_the_live_price_is_what_placing_charges(logged_in, make_customer, refillable, new_link, quantity):
    from panel.templatetags.panel_site import money

    customer = make_customer("1000")
    client = logged_in(customer)
    preview = client.get(
        "/orders/new/price/", {"service": refillable.pk, "quantity": quantity}
    ).content.decode()
    response = client.post(
        "/orders/new/", {"service": refillable.pk, "link": new_link(), "quantity": quantity}
    )
    order = Order.objects.get(customer=customer)
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    assert _price(preview) == money(order.charge)


def test_the_live_price_counts_drip_feed_runs(logged_in, make_customer, refillable):
    client = logged_in(make_customer())
    once = client.get("/orders/new/price/", {"service": refillable.pk, "quantity": "100"}).content.decode()
    thrice = client.get(
        "/orders/new/price/", {"service": refillable.pk, "quantity": "100", "runs": "3", "interval": "10"}
    ).content.decode()
    value = lambda page: Decimal(_price(page).split()[0])  # noqa: E731
    assert value(thrice) == 3 * value(once)


def test_the_live_price_of_comments_counts_lines(logged_in, make_customer, catalog):
    service = catalog["Custom Comments"]
    client = logged_in(make_customer())
    comments = "\n".join(f"nice {n}" for n in range(service.min_quantity))
    page = client.get("/orders/new/price/", {"service": service.pk, "comments": comments}).content.decode()
    assert "USD" in _price(page)


def test_the_live_price_explains_what_is_missing(logged_in, make_customer, refillable):
    page = logged_in(make_customer()).get("/orders/new/price/", {"service": refillable.pk, "quantity": "1"})
    assert f"The minimum for this service is {refillable.min_quantity}." in page.content.decode()


def test_a_quantity_below_the_minimum_is_shown_at_the_quantity_field(
    logged_in, make_customer, refillable, new_link
):
    client = logged_in(make_customer())
    page = client.post(
        "/orders/new/", {"service": refillable.pk, "link": new_link(), "quantity": "1"}
    ).content.decode()
    error = re.search(r'<small id="id_quantity_error" class="field-error">([^<]+)</small>', page)
    assert error and error.group(1) == f"The minimum for this service is {refillable.min_quantity}."
    field = re.search(r'<input[^>]*name="quantity"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and "id_quantity_error" in field
    assert 'value="1"' in field  # what was typed stays
    assert not Order.objects.exists()


def test_a_bad_link_is_shown_at_the_link_field(logged_in, make_customer, refillable):
    page = (
        logged_in(make_customer())
        .post("/orders/new/", {"service": refillable.pk, "link": "not a link", "quantity": "100"})
        .content.decode()
    )
    assert f'<small id="id_link_error" class="field-error">{PLAIN[BAD_LINK]}</small>' in page


def test_not_enough_funds_is_said_above_the_form(logged_in, make_customer, refillable, new_link):
    page = (
        logged_in(make_customer("0"))
        .post("/orders/new/", {"service": refillable.pk, "link": new_link(), "quantity": "100"})
        .content.decode()
    )
    assert f'<p class="form-error" role="alert">{PLAIN[NOT_ENOUGH_FUNDS]}</p>' in page


def test_a_service_that_is_not_for_sale_is_refused_at_the_service_field(
    logged_in, make_customer, refillable, new_link
):
    Service.objects.filter(pk=refillable.pk).update(enabled=False)
    page = (
        logged_in(make_customer())
        .post("/orders/new/", {"service": refillable.pk, "link": new_link(), "quantity": "100"})
        .content.decode()
    )
    assert 'id="id_service_error"' in page
    assert not Order.objects.exists()


def test_only_the_fields_of_the_type_reach_order_place(logged_in, make_customer, catalog, new_link):
    package = catalog["Package"]
    customer = make_customer()
    client = logged_in(customer)
    response = client.post(
        "/orders/new/", {"service": package.pk, "link": new_link(), "quantity": "5000", "runs": "9"}
    )
    assert response.status_code == 302
    order = Order.objects.get(customer=customer)
    assert order.quantity == 1 and set(order.params) == {"link"}


def test_an_order_that_would_cost_nothing_is_refused_by_the_live_price_as_by_placing(
    logged_in, make_customer, refillable, new_link
):
    # A rate so low that the minimum quantity rounds to a charge of 0.00000.
    Service.objects.filter(pk=refillable.pk).update(
        rate=Decimal("0.00001"), provider_rate=Decimal("0.00001"), fixed_rate=None, min_quantity=10
    )
    client = logged_in(make_customer("10"))
    quantity = "10"
    preview = client.get(
        "/orders/new/price/", {"service": refillable.pk, "quantity": quantity}
    ).content.decode()
    page = client.post(
        "/orders/new/", {"service": refillable.pk, "link": new_link(), "quantity": quantity}
    ).content.decode()
    assert "Quantity is too small: the order would cost nothing" in preview
    assert "Quantity is too small: the order would cost nothing" in page
    assert not Order.objects.exists()
