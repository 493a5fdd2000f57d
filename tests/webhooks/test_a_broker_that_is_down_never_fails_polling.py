"""The deliveries of a poll chunk are committed with it; when queuing their task fails (the broker
is down), polling goes on and the periodic task sends them later: the database is the truth."""

from orders.models import Order
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus
from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.services import webhook_deliveries_send
from webhooks.tasks import deliver_webhooks


def test_polling_survives_a_broker_that_refuses_the_delivery_task(
    provider,
    simulator,
    make_customer,
    sent_order,
    receiver,
    make_endpoint,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    customer = make_customer()
    make_endpoint(customer, receiver)
    order = sent_order(customer)
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED, remains=0)

    def broker_down(*args, **kwargs):
        raise ConnectionError("the broker is down")

    monkeypatch.setattr(deliver_webhooks, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        report = orders_poll(provider=provider)

    assert report.changed == 1
    assert Order.objects.get(pk=order.pk).status == OrderStatus.COMPLETED
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and receiver.requests == []

    monkeypatch.undo()
    assert webhook_deliveries_send().delivered == 1  # what beat's run does
    assert receiver.wait_for(1)[0].payload["data"]["order"] == order.pk
