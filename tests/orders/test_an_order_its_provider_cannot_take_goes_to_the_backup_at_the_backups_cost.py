"""Failover (issue #21): a service may name a backup at another provider. An order its provider
refuses for a reason that may pass (its balance, its rate limit), or cannot reach for the provider's
`failover_after`, goes to the backup at the backup's cost, the customer's price unchanged. An order
whose `add` may have been acted on never goes there, and a refusal final for the order is a
refusal as before. Two real simulators over HTTP; "down" is one of them stopped."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import AMOUNT_QUANTUM
from orders.models import Order, Submission
from orders.services.forwarding import order_submit
from orders.services.polling import orders_poll
from provider.models import Provider
from provider.simulator import Faults
from provider.statuses import OrderStatus


def _adds(simulator) -> list[dict]:
    return [received.params for received in simulator.received if received.action == "add"]


def _due_now(order) -> None:
    Order.objects.filter(pk=order.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def primary_down(simulator, provider):
    """stop(): the primary refuses connections; start(): it is back on the same address."""
    port = int(simulator.url.rsplit(":", 1)[1].split("/")[0])

    class Down:
        stop = staticmethod(simulator.stop)
        start = staticmethod(lambda: simulator.start(port=port))

    return Down


def test_an_order_refused_for_the_providers_funds_is_sent_to_the_backup_at_its_cost_and_our_price(
    place_order, make_customer, simulator, backup_simulator, provider, backup_provider, backup_service
):
    customer = make_customer("100")
    simulator.set_balance(Decimal("0"))  # our balance at the primary: "Not enough funds on balance"
    order = place_order(customer=customer)
    charge = order.charge

    assert order_submit(order_id=order.pk) == Submission.QUEUED
    order.refresh_from_db()
    assert (order.provider_id, order.served_by_id, order.service_id) == (
        backup_provider.pk,
        backup_service.pk,
        backup_service.backup_for.get().pk,
    )
    assert order.next_attempt_at is None  # at once, not after a back-off
    assert order.events.filter(message__contains="sent to the backup").exists()

    assert order_submit(order_id=order.pk) == Submission.SENT
    order.refresh_from_db()
    assert simulator.orders() == []
    (placed,) = backup_simulator.orders()
    assert (order.provider_order_id, placed.service_id) == (
        placed.order_id,
        backup_service.provider_service_id,
    )

    backup_simulator.force_status(placed.order_id, OrderStatus.COMPLETED)
    orders_poll(provider=backup_provider)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.cost == (placed.charge * Decimal("1.5")).quantize(AMOUNT_QUANTUM)  # the backup's, in ours
    assert order.charge == charge  # the customer's price did not move
    assert order.margin == charge - order.cost
    # One charge, nothing else: the cost is information, not a ledger entry.
    assert list(LedgerEntry.objects.filter(order=order).values_list("kind", "amount")) == [
        (EntryKind.CHARGE, -charge)
    ]
    assert Balance.objects.get(customer=customer).amount == Decimal("100") - charge
    assert ledger_audit() == []


def test_an_order_refused_for_the_providers_rate_limit_goes_to_the_backup(
    place_order, simulator, backup_simulator, backup_provider, backup_service
):
    simulator.set_faults(Faults(seed=1, rate_limit=1.0, only={"rate_limit": ["add"]}))
    order = place_order()

    assert order_submit(order_id=order.pk) == Submission.QUEUED
    assert order_submit(order_id=order.pk) == Submission.SENT
    order.refresh_from_db()
    assert (order.provider_id, order.served_by_id) == (backup_provider.pk, backup_service.pk)
    assert len(backup_simulator.orders()) == 1


def test_a_provider_down_past_its_failover_time_sends_new_orders_to_the_backup_until_it_is_back(
    place_order, simulator, backup_simulator, provider, backup_provider, backup_service, primary_down
):
    provider.failover_after = 60
    provider.save(update_fields=["failover_after"])
    primary_down.stop()

    first = place_order()
    assert order_submit(order_id=first.pk) == Submission.QUEUED
    first.refresh_from_db()
    provider.refresh_from_db()
    assert (first.provider_id, first.served_by_id) == (provider.pk, None)  # not down long enough yet
    assert provider.unreachable_since is not None
    # The next try comes no later than the moment it may fail over.
    assert first.next_attempt_at <= provider.unreachable_since + timedelta(seconds=60)

    Provider.objects.filter(pk=provider.pk).update(unreachable_since=timezone.now() - timedelta(seconds=61))
    _due_now(first)
    second = place_order()
    for order in (first, second):
        assert order_submit(order_id=order.pk) == Submission.QUEUED
        assert order_submit(order_id=order.pk) == Submission.SENT
        order.refresh_from_db()
        assert (order.provider_id, order.served_by_id) == (backup_provider.pk, backup_service.pk)
    assert len(backup_simulator.orders()) == 2

    primary_down.start()
    third = place_order()
    assert order_submit(order_id=third.pk) == Submission.SENT
    third.refresh_from_db()
    provider.refresh_from_db()
    assert (third.provider_id, third.served_by_id) == (provider.pk, None)
    assert provider.unreachable_since is None
    assert [snapshot.order_id for snapshot in simulator.orders()] == [third.provider_order_id]
    assert len(backup_simulator.orders()) == 2


def test_an_add_whose_outcome_is_unknown_never_goes_to_the_backup(
    place_order, simulator, backup_simulator, provider, backup_service
):
    # Placed at the primary, answered after the client gave up (its read timeout is 1 s here).
    simulator.set_faults(
        Faults(seed=1, add_accepted_late=1.0, late_delay=1.5, at_most={"add_accepted_late": 1})
    )
    order = place_order()

    assert order_submit(order_id=order.pk) == Submission.UNKNOWN
    order.refresh_from_db()
    assert (order.provider_id, order.served_by_id, order.maybe_placed) == (provider.pk, None, True)
    assert _adds(backup_simulator) == []


def test_an_order_sent_again_with_its_key_stays_with_its_provider_even_when_it_is_down(
    place_order, simulator, backup_simulator, provider, backup_service, primary_down
):
    simulator.honours_idempotency_keys = True
    provider.honours_idempotency_keys = True
    provider.failover_after = 0
    provider.save(update_fields=["honours_idempotency_keys", "failover_after"])
    simulator.set_faults(Faults(seed=1, truncated_json=1.0, only={"truncated_json": ["add"]}))
    order = place_order()
    assert order_submit(order_id=order.pk) == Submission.QUEUED  # placed, its answer cut: goes again

    primary_down.stop()
    _due_now(order)
    assert order_submit(order_id=order.pk) == Submission.QUEUED
    order.refresh_from_db()
    assert (order.provider_id, order.served_by_id, order.maybe_placed) == (provider.pk, None, True)
    assert _adds(backup_simulator) == []


def test_a_refusal_final_for_the_order_is_a_refusal_and_never_goes_to_the_backup(
    place_order, simulator, backup_simulator, provider, backup_service
):
    simulator.set_faults(Faults(seed=1, refusal=1.0, refusal_permanent=1.0))
    order = place_order()

    assert order_submit(order_id=order.pk) == Submission.REJECTED
    order.refresh_from_db()
    assert (order.provider_id, order.served_by_id, order.refunded) == (provider.pk, None, order.charge)
    assert _adds(backup_simulator) == []


def test_an_order_the_backup_cannot_take_waits_for_its_own_provider(
    place_order, simulator, backup_simulator, provider, backup_service
):
    order = place_order()
    backup_service.max_quantity = int(order.params["quantity"]) - 1  # one too few for it
    backup_service.min_quantity = min(backup_service.min_quantity, backup_service.max_quantity)
    backup_service.save(update_fields=["min_quantity", "max_quantity"])
    simulator.set_balance(Decimal("0"))

    assert order_submit(order_id=order.pk) == Submission.QUEUED
    order.refresh_from_db()
    assert (order.provider_id, order.served_by_id) == (provider.pk, None)
    assert _adds(backup_simulator) == []
