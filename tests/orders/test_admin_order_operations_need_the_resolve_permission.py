"""Attaching an id, re-sending, cancel-and-refund and settling by hand need `orders.resolve_order`:
staff without it get 403 and change nothing; a superuser has it."""

import pytest
from django.urls import reverse

from orders.models import Order, OrderEvent, Submission

OPERATIONS = {
    "attach": {"provider_order_id": "123456"},
    "resend": {"confirm": "on"},
    "cancel": {"reason": "because"},
    "settle": {"outcome": "Canceled", "reason": "because"},
}


@pytest.fixture
def unknown_order(place_order) -> Order:
    order = place_order()
    Order.objects.filter(pk=order.pk).update(submission=Submission.UNKNOWN, flagged=True)
    return Order.objects.get(pk=order.pk)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_staff_without_the_permission_get_403_and_change_nothing(
    client, make_staff, unknown_order, operation
):
    client.force_login(make_staff("orders.view_order", "orders.change_order"))
    url = reverse(f"admin:orders_order_{operation}", args=[unknown_order.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, OPERATIONS[operation]).status_code == 403

    order = Order.objects.get(pk=unknown_order.pk)
    assert (order.submission, order.status, order.refunded, order.provider_order_id) == (
        Submission.UNKNOWN,
        unknown_order.status,
        0,
        None,
    )
    assert not OrderEvent.objects.filter(order=order, actor__isnull=False).exists()


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_superuser_gets_each_page(client, make_staff, unknown_order, operation):
    client.force_login(make_staff(superuser=True))
    response = client.get(reverse(f"admin:orders_order_{operation}", args=[unknown_order.pk]))
    assert response.status_code == 200
    assert f"order {unknown_order.pk}" in response.content.decode()


def test_someone_not_staff_is_sent_to_the_login_page(client, make_customer, unknown_order):
    client.force_login(make_customer())
    response = client.get(reverse("admin:orders_order_cancel", args=[unknown_order.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_order_page_offers_the_operations_only_to_who_may_run_them(
    client, make_staff, resolver, unknown_order
):
    change = reverse("admin:orders_order_change", args=[unknown_order.pk])
    links = [reverse(f"admin:orders_order_{op}", args=[unknown_order.pk]) for op in OPERATIONS]

    client.force_login(resolver)
    page = client.get(change).content.decode()
    assert all(link in page for link in links)

    client.force_login(make_staff("orders.view_order"))
    page = client.get(change).content.decode()
    assert not any(link in page for link in links)


def test_an_order_that_does_not_exist_is_404(client, resolver):
    client.force_login(resolver)
    assert client.get(reverse("admin:orders_order_cancel", args=[999999])).status_code == 404
