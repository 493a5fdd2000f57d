"""Pages tell a refused order in plain English; API v2 keeps the protocol's texts, which its
clients match on (tests/api/test_api_v2_refuses_with_the_standard_error_texts.py)."""

import pytest

from orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("funds", "quantity", "link", "said", "not_said"),
    [
        (
            "100",
            "1",
            "https://instagram.com/p/a",
            "The minimum for this service is {min}.",
            "less than minimal",
        ),
        (
            "100",
            "99999999",
            "https://instagram.com/p/b",
            "The maximum for this service is {max}.",
            "more than max",
        ),
        ("100", "100", "ftp://example.com/x", "That link cannot be used", "Bad link"),
        (
            "0",
            "100",
            "https://instagram.com/p/c",
            "Your balance is too low for this order",
            "Not enough funds",
        ),
    ],
)
def test_the_order_form_says_why_in_plain_english(
    logged_in, make_customer, refillable, funds, quantity, link, said, not_said
):
    page = (
        logged_in(make_customer(funds))
        .post("/orders/new/", {"service": refillable.pk, "link": link, "quantity": quantity})
        .content.decode()
    )

    assert said.format(min=refillable.min_quantity, max=refillable.max_quantity) in page
    assert not_said not in page
    assert not Order.objects.exists()


def test_a_mass_order_line_says_why_in_plain_english(logged_in, make_customer, refillable, new_link):
    page = (
        logged_in(make_customer("100"))
        .post("/orders/mass/", {"orders": f"999999 | {new_link()} | 100\n{refillable.pk} | {new_link()} | 1"})
        .content.decode()
    )

    assert "That service does not exist or is no longer for sale." in page
    assert f"The minimum for this service is {refillable.min_quantity}." in page
    assert "Incorrect service ID" not in page and "less than minimal" not in page
