"""docs/design.md rule 4: the database is the truth. The sweeper task queues again an order whose submit
task was lost, and the submit task sends it, once."""

from datetime import timedelta

from django.utils import timezone

from orders.models import Order, Submission
from orders.services.forwarding import SENDING_TIMEOUT
from orders.tasks import poll_orders, submit_order, sweep_orders
from provider.statuses import OrderStatus


def adds(simulator) -> int:
    return [r.action for r in simulator.received].count("add")


def test_the_submit_task_sends_a_queued_order_once(place_order, simulator):
    order = place_order()  # its on-commit task was dropped, as a lost broker message would be

    submit_order.apply(args=[order.pk])
    submit_order.apply(args=[order.pk])

    order.refresh_from_db()
    assert order.submission == Submission.SENT
    assert order.provider_order_id == simulator.orders()[0].order_id
    assert adds(simulator) == 1


def test_the_sweeper_queues_a_lost_order_again_and_it_is_sent(place_order, simulator, eager_tasks):
    lost, fresh = place_order(), place_order()
    Order.objects.filter(pk=lost.pk).update(updated_at=timezone.now() - timedelta(minutes=10))

    sweep_orders.apply()

    assert Order.objects.get(pk=lost.pk).submission == Submission.SENT
    # The lost order's task runs its provider's forwarding, which sends every due order of it.
    assert Order.objects.get(pk=fresh.pk).submission == Submission.SENT
    assert adds(simulator) == 2
    sweep_orders.apply()
    assert adds(simulator) == 2


def test_the_sweeper_never_sends_an_order_stuck_while_sending(place_order, simulator, eager_tasks):
    order = place_order()
    long_ago = timezone.now() - SENDING_TIMEOUT - timedelta(minutes=1)
    Order.objects.filter(pk=order.pk).update(
        submission=Submission.SENDING, claimed_at=long_ago, updated_at=long_ago
    )

    sweep_orders.apply()

    order.refresh_from_db()
    assert order.submission == Submission.UNKNOWN and order.flagged
    assert adds(simulator) == 0


def test_the_poll_task_polls_each_active_provider(sent_order, simulator, eager_tasks):
    order = sent_order()
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED)

    poll_orders.apply()

    assert Order.objects.get(pk=order.pk).status == OrderStatus.COMPLETED
