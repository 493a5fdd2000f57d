"""One rule for money that people read (billing.money.money_number): no trailing zeros past the
cents, nothing rounded away. Pages, messages and the admin use it; the APIs keep five decimals."""

from decimal import Decimal

import pytest

from billing.money import money_display, money_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("12.50000", "12.50"),
        ("50", "50.00"),
        ("0.00150", "0.0015"),
        ("49.35065", "49.35065"),
        ("-3.00000", "-3.00"),
        ("-0.00001", "-0.00001"),
        ("1E+3", "1000.00"),
    ],
)
def test_an_amount_keeps_its_cents_and_drops_only_trailing_zeros(amount, shown):
    assert money_number(Decimal(amount)) == shown


def test_the_message_and_the_page_after_an_order_show_its_charge_alike(
    logged_in, make_customer, refillable, new_link
):
    client = logged_in(make_customer("100"))

    response = client.post(
        "/orders/new/", {"service": refillable.pk, "link": new_link(), "quantity": "1000"}, follow=True
    )

    order = response.context["order"]
    page = response.content.decode()
    assert str(order.charge).endswith("0")  # it has a trailing zero to drop
    assert f"for {money_display(order.charge)}." in page
    assert f"{order.charge} " not in page  # the five-decimal form appears nowhere
