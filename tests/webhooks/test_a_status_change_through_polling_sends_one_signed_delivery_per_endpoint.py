"""An order's status moved by real polling reaches each of its customer's endpoints once, signed,
with what API v2's `status` says of the order."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus
from tests.webhooks.conftest import verify
from webhooks.models import DeliveryState, EventType, WebhookDelivery


def test_polling_a_completed_order_posts_one_signed_event_to_each_endpoint(
    provider,
    simulator,
    make_customer,
    sent_order,
    make_receiver,
    make_endpoint,
    django_capture_on_commit_callbacks,
):
    customer = make_customer()
    first, second = make_receiver(), make_receiver()
    endpoints = [make_endpoint(customer, first), make_endpoint(customer, second)]
    order = sent_order(customer)
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED, remains=0)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        CaptureQueriesContext(connection) as polled,
    ):
        orders_poll(provider=provider)
        assert first.requests == second.requests == []  # polling never waits for a receiver
    assert len(callbacks) == 1  # one task for the chunk, not one per order or endpoint
    assert not any("webhooks_webhookdelivery" in q["sql"] and "UPDATE" in q["sql"] for q in polled)

    polled_order = Order.objects.get(pk=order.pk)
    assert polled_order.start_count is not None  # the simulator tells one: the payload must carry it
    for receiver, endpoint in zip((first, second), endpoints, strict=True):
        (received,) = receiver.wait_for(1)
        assert verify(endpoint.secret, received)
        assert received.headers["Webhook-Id"] == received.payload["id"]
        assert received.payload["type"] == EventType.ORDER_STATUS_CHANGED
        assert received.payload["data"] == {
            "order": order.pk,
            "status": "Completed",
            "previous_status": "Pending",
            "charge": str(order.charge),
            "currency": "USD",
            "start_count": polled_order.start_count,
            "remains": 0,
        }
    assert first.requests[0].payload["id"] == second.requests[0].payload["id"]  # one event, two endpoints
    assert WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED, attempts=1).count() == 2

    orders_poll(provider=provider)  # final now: polled no more, nothing new to tell
    assert WebhookDelivery.objects.count() == 2
