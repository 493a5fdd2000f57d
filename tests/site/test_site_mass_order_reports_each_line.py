import pytest

from orders.models import Order
from panel.templatetags.panel_site import money

pytestmark = pytest.mark.django_db


def test_each_line_gets_its_order_or_its_error(logged_in, make_customer, refillable, catalog, new_link):
    customer = make_customer("100")
    package = catalog["Package"]
    lines = "\n".join(
        [
            f"{refillable.pk} | {new_link()} | 100",
            "",
            f"{refillable.pk} | {new_link()} | 1",
            "just words",
            f"{package.pk} | {new_link()}",
            f"999999 | {new_link()} | 100",
        ]
    )
    page = logged_in(customer).post("/orders/mass/", {"orders": lines}).content.decode()
    orders = list(Order.objects.filter(customer=customer).order_by("pk"))
    assert len(orders) == 2
    for order in orders:
        assert f'href="/orders/{order.pk}/">Order #{order.pk}</a>' in page
    assert f"The minimum for this service is {refillable.min_quantity}." in page
    assert "Write: service ID | link | quantity" in page
    assert "That service does not exist or is no longer for sale." in page
    charged = sum(order.charge for order in orders)
    assert f"2 of 5 orders placed, {money(charged)} charged." in page


def test_too_many_lines_are_refused_before_any_order(logged_in, make_customer, refillable, new_link):
    customer = make_customer("1000")
    lines = "\n".join(f"{refillable.pk} | {new_link()} | 100" for _ in range(101))
    page = logged_in(customer).post("/orders/mass/", {"orders": lines}).content.decode()
    assert "At most 100 orders at once" in page
    assert not Order.objects.exists()
