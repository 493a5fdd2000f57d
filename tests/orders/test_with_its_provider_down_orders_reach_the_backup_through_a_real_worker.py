"""Failover end to end (issue #21): with the primary provider down, orders placed go through a
real Celery worker to the backup provider; once the primary is back, new orders go to it again."""

import pytest

from orders.models import Order, Submission
from orders.services.placing import order_place
from tests.waiting import wait_for


@pytest.mark.django_db(transaction=True)
def test_orders_placed_while_the_provider_is_down_are_sent_to_the_backup_and_to_it_again_once_back(
    celery_worker,
    default_service,
    backup_service,
    make_customer,
    new_link,
    simulator,
    backup_simulator,
    provider,
):
    provider.failover_after = 0  # down at the first refused connection
    provider.save(update_fields=["failover_after"])
    port = int(simulator.url.rsplit(":", 1)[1].split("/")[0])
    simulator.stop()
    customer = make_customer("100")

    def place():
        params = {"link": new_link(), "quantity": str(default_service.min_quantity * 10)}
        return order_place(customer=customer, service_id=default_service.pk, params=params).pk

    ids = [place(), place()]
    wait_for(
        lambda: Order.objects.filter(pk__in=ids, submission=Submission.SENT).count() == 2,
        what="the worker to send both orders to the backup",
    )
    orders = list(Order.objects.filter(pk__in=ids))
    assert {(order.provider_id, order.served_by_id) for order in orders} == {
        (backup_service.provider_id, backup_service.pk)
    }
    assert sorted(snapshot.order_id for snapshot in backup_simulator.orders()) == sorted(
        order.provider_order_id for order in orders
    )

    simulator.start(port=port)
    back = place()
    wait_for(
        lambda: Order.objects.filter(pk=back, submission=Submission.SENT).exists(),
        what="the worker to send the new order to the primary",
    )
    order = Order.objects.get(pk=back)
    assert (order.provider_id, order.served_by_id) == (provider.pk, None)
    assert [snapshot.order_id for snapshot in simulator.orders()] == [order.provider_order_id]
