"""Re-sending an unknown order can buy it twice, so the admin must confirm it was not placed."""

import pytest
from django.urls import reverse

from orders.models import Order, OrderEvent, Submission
from orders.services.forwarding import order_submit


@pytest.fixture
def unknown_order(place_order, set_faults):
    """An order whose `add` got an HTTP 500: unknown to us (the simulator placed nothing)."""
    order = place_order()
    set_faults(http_500=1.0)
    assert order_submit(order_id=order.pk) == Submission.UNKNOWN
    set_faults()
    return order


def adds(simulator) -> int:
    return [r.action for r in simulator.received].count("add")


def test_without_the_confirmation_nothing_is_queued(
    client, resolver, unknown_order, simulator, django_capture_on_commit_callbacks
):
    client.force_login(resolver)
    url = reverse("admin:orders_order_resend", args=[unknown_order.pk])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {})

    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert callbacks == []
    assert Order.objects.get(pk=unknown_order.pk).submission == Submission.UNKNOWN
    assert adds(simulator) == 1


def test_with_the_confirmation_it_is_queued_and_sent(
    client, resolver, unknown_order, simulator, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(resolver)
    url = reverse("admin:orders_order_resend", args=[unknown_order.pk])
    assert "NOT placed" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"confirm": "on"})

    assert response.status_code == 302
    assert len(callbacks) == 1
    order = Order.objects.get(pk=unknown_order.pk)
    assert order.submission == Submission.SENT and not order.flagged
    assert order.provider_order_id == simulator.orders()[0].order_id
    assert adds(simulator) == 2
    assert OrderEvent.objects.filter(order=order, actor=resolver, message__contains="Re-sent").exists()


def test_only_an_unknown_order_can_be_sent_again(client, resolver, sent_order, simulator):
    order = sent_order()
    client.force_login(resolver)
    response = client.post(reverse("admin:orders_order_resend", args=[order.pk]), {"confirm": "on"})
    assert response.status_code == 200
    assert "Only an order whose outcome is unknown" in str(response.context["form"].errors)
    assert adds(simulator) == 1
