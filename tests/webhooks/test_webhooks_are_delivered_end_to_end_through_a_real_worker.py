"""End to end through a real Celery worker: an order placed and sent by the worker, polled to a new
status, is posted signed to its customer's endpoint by the task queued on commit; a retry that
is due is sent by the periodic task beat runs."""

import pytest
from django.utils import timezone

from orders.models import Order, Submission
from orders.services.placing import order_place
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus
from tests.waiting import wait_for
from tests.webhooks.conftest import verify
from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.tasks import deliver_webhooks


@pytest.mark.django_db(transaction=True)
def test_a_polled_status_change_is_posted_by_the_worker_and_retried_by_the_beat_task(
    settings, celery_worker, provider, simulator, default_service, make_customer, receiver, make_endpoint
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # through the broker, to the worker
    customer = make_customer()
    endpoint = make_endpoint(customer, receiver)
    order = order_place(
        customer=customer,
        service_id=default_service.pk,
        params={
            "link": "https://instagram.com/p/worker1",
            "quantity": str(default_service.min_quantity * 10),
        },
    )
    wait_for(
        lambda: Order.objects.filter(pk=order.pk, submission=Submission.SENT).exists(),
        what="the worker to send the order",
    )
    order.refresh_from_db()
    simulator.force_status(order.provider_order_id, OrderStatus.PARTIAL, remains=order.quantity // 2)
    receiver.answer(502)

    orders_poll(provider=provider)  # commits; on commit, deliver_webhooks goes to the worker

    (first,) = receiver.wait_for(1)
    assert verify(endpoint.secret, first)
    assert (first.payload["data"]["order"], first.payload["data"]["status"]) == (order.pk, "Partial")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    wait_for(lambda: WebhookDelivery.objects.filter(pk=delivery.pk, attempts=1).exists(), what="the attempt")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_status_code) == (DeliveryState.PENDING, 502)

    # A minute later beat runs the task without ids: the due retry goes out and lands.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    deliver_webhooks.delay()
    wait_for(
        lambda: WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.DELIVERED).exists(),
        what="the worker to deliver the retry",
    )
    second = receiver.wait_for(2)[1]
    assert verify(endpoint.secret, second) and second.body == first.body
    assert len(receiver.requests) == 2
