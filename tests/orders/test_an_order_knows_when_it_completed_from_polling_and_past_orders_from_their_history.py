"""An order's completed_at: set by polling on the move into Completed, and for orders completed
before the field existed, taken from their history by migration 0009."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from orders.models import Order
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus

BEFORE = [("orders", "0009_idempotency_purge_interval_in_seconds")]
AFTER = [("orders", "0010_order_completed_at")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    """Every app's last migration: what the other tests run on (orders has migrations after 0010)."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db
def test_polling_stamps_the_move_into_completed_and_no_other_final_status(sent_order, simulator, provider):
    completed, partial, canceled = sent_order(), sent_order(), sent_order()
    simulator.force_status(completed.provider_order_id, OrderStatus.COMPLETED, remains=0)
    simulator.force_status(partial.provider_order_id, OrderStatus.PARTIAL, remains=5)
    simulator.force_status(canceled.provider_order_id, OrderStatus.CANCELED, remains=canceled.quantity)
    before = timezone.now()

    orders_poll(provider=provider)

    stamps = dict(Order.objects.values_list("pk", "completed_at"))
    assert before <= stamps[completed.pk] <= timezone.now()
    assert stamps[partial.pk] is None and stamps[canceled.pk] is None
    # Polled again, a completed order keeps the time it completed at.
    orders_poll(provider=provider)
    assert Order.objects.get(pk=completed.pk).completed_at == stamps[completed.pk]


@pytest.mark.django_db(transaction=True)
def test_migration_0009_takes_a_past_orders_completion_time_from_its_history(
    completed_order, sent_order, simulator, provider
):
    done = completed_order()
    moved_at = done.events.get(message__endswith=" → Completed").at
    still_running = sent_order()
    # Completed by hand, without the polling event: no time to take, none guessed.
    Order.objects.filter(pk=still_running.pk).update(status=OrderStatus.COMPLETED)
    try:
        _migrate(BEFORE)
        _migrate(AFTER)
        stamps = dict(Order.objects.values_list("pk", "completed_at"))
        assert stamps[done.pk] == moved_at
        assert stamps[still_running.pk] is None
    finally:
        _migrate(_latest())
