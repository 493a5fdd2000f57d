"""An admin who found an unknown order at the provider attaches its id; the order is then polled
like any other. A provider id another order has is refused on the form, not with a server error."""

import pytest
from django.urls import reverse

from orders.models import Order, OrderEvent, Submission
from orders.services.forwarding import order_submit
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus


@pytest.fixture
def unknown_order(place_order, set_faults, simulator):
    """An order the provider placed but whose answer came too late: outcome unknown."""
    order = place_order()
    set_faults(add_accepted_late=1.0, late_delay=1.5)
    assert order_submit(order_id=order.pk) == Submission.UNKNOWN
    set_faults()
    order.refresh_from_db()
    return order


def attach_url(order: Order) -> str:
    return reverse("admin:orders_order_attach", args=[order.pk])


def test_the_providers_id_is_attached_and_the_order_settles_through_polling(
    client, resolver, unknown_order, simulator, provider
):
    (at_provider,) = simulator.orders()
    client.force_login(resolver)
    assert client.get(attach_url(unknown_order)).status_code == 200

    response = client.post(attach_url(unknown_order), {"provider_order_id": at_provider.order_id})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:orders_order_change", args=[unknown_order.pk])
    order = Order.objects.get(pk=unknown_order.pk)
    assert (order.submission, order.provider_order_id, order.flagged, order.error) == (
        Submission.SENT,
        at_provider.order_id,
        False,
        "",
    )
    event = OrderEvent.objects.filter(order=order).last()
    assert event.actor == resolver and str(at_provider.order_id) in event.message

    simulator.force_status(at_provider.order_id, OrderStatus.COMPLETED)
    orders_poll(provider=provider)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.COMPLETED
    assert [r.action for r in simulator.received].count("add") == 1  # never sent twice


def test_a_provider_id_that_another_order_has_is_a_form_error(client, resolver, unknown_order, sent_order):
    other = sent_order()
    client.force_login(resolver)

    response = client.post(attach_url(unknown_order), {"provider_order_id": other.provider_order_id})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["provider_order_id"] == [
        f"Another order already has the provider's id {other.provider_order_id}"
    ]
    order = Order.objects.get(pk=unknown_order.pk)
    assert (order.submission, order.provider_order_id) == (Submission.UNKNOWN, None)
    assert not OrderEvent.objects.filter(order=order, actor=resolver).exists()


@pytest.mark.parametrize("value", ["", "0", "-5", "abc"])
def test_a_missing_or_bad_id_is_a_form_error(client, resolver, unknown_order, value):
    client.force_login(resolver)
    response = client.post(attach_url(unknown_order), {"provider_order_id": value})
    assert response.status_code == 200 and response.context["form"].errors
    assert Order.objects.get(pk=unknown_order.pk).submission == Submission.UNKNOWN


def test_a_sent_order_cannot_get_another_provider_id(client, resolver, sent_order):
    order = sent_order()
    client.force_login(resolver)
    response = client.post(attach_url(order), {"provider_order_id": 987654})
    assert response.status_code == 200
    assert "Only an unknown, queued or sending order" in str(response.context["form"].errors)
    assert Order.objects.get(pk=order.pk).provider_order_id == order.provider_order_id
