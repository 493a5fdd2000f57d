"""After a mass order, the box holds only the lines that were not placed: correcting and sending
them again places those, never a second copy of the orders placed the first time."""

import re
from html import unescape

import pytest

from orders.models import Order

pytestmark = pytest.mark.django_db


def _box(page: str) -> str:
    return unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)).strip()


def test_the_box_keeps_the_failed_lines_and_a_second_try_places_only_those(
    logged_in, make_customer, refillable, new_link
):
    customer = make_customer("100")
    good, short, words = (
        f"{refillable.pk} | {new_link()} | 100",
        f"{refillable.pk} | {new_link()} | 1",
        "just words",
    )
    client = logged_in(customer)

    first = client.post("/orders/mass/", {"orders": "\n".join([good, short, words])}).content.decode()

    assert _box(first) == f"{short}\n{words}"
    assert Order.objects.filter(customer=customer).count() == 1
    assert "The lines not placed are left in the box" in first

    fixed = short.replace("| 1", "| 100")
    second = client.post("/orders/mass/", {"orders": fixed}).content.decode()

    assert Order.objects.filter(customer=customer).count() == 2
    assert Order.objects.filter(customer=customer, link=good.split(" | ")[1]).count() == 1
    assert _box(second) == ""
    assert "1 of 1 orders placed" in second
