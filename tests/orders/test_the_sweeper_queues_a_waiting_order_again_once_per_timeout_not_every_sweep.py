"""docs/design.md rule 4, found by the chaos run: the sweeper queues a task again for an order whose task
seems lost, but a task that is merely late (a backlog behind a slow provider) is not lost. Queued
again on every sweep, each waiting order got one more task a minute, the backlog grew faster than
the workers drained it, and orders waiting out a back-off queued behind thousands of copies.
A queued order gets one new task per LOST_TASK_AFTER, however many sweeps run meanwhile."""

from datetime import timedelta

from django.utils import timezone

from orders.models import Order
from orders.services.forwarding import LOST_TASK_AFTER, orders_sweep


def long_ago():
    return timezone.now() - LOST_TASK_AFTER - timedelta(minutes=1)


def test_a_waiting_order_is_queued_again_once_until_the_timeout_passes_again(place_order):
    order = place_order()  # its task is still in the broker, somewhere behind a backlog
    Order.objects.filter(pk=order.pk).update(updated_at=long_ago())

    assert orders_sweep() == (0, [order.pk])
    assert orders_sweep() == (0, [])  # the next sweep, a minute later: its new task is on its way
    assert orders_sweep() == (0, [])

    Order.objects.filter(pk=order.pk).update(updated_at=long_ago())  # that task was lost too
    assert orders_sweep() == (0, [order.pk])


def test_an_order_waiting_out_its_back_off_is_queued_once_it_is_due(place_order):
    order = place_order()
    Order.objects.filter(pk=order.pk).update(
        updated_at=long_ago(), next_attempt_at=timezone.now() + timedelta(minutes=1)
    )
    assert orders_sweep() == (0, [])

    Order.objects.filter(pk=order.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert orders_sweep() == (0, [order.pk])
    assert orders_sweep() == (0, [])
