"""Idempotent forwarding (issue #21): every `add` carries the order's own idempotency key. At a
provider marked as honouring keys (our own panels), an `add` left without a usable answer goes again
with the same key, and the provider's answer to the repeat is the order it placed first: the unknown
queue empties itself. At any other provider such an order stays unknown for an admin, as before."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import EntryKind, LedgerEntry
from orders.models import Order, Submission
from orders.services.forwarding import order_submit, orders_sweep


@pytest.fixture
def honouring(simulator, provider):
    """The simulator and its provider row both honouring idempotency keys."""
    simulator.honours_idempotency_keys = True
    provider.honours_idempotency_keys = True
    provider.save(update_fields=["honours_idempotency_keys"])
    return provider


def _adds(simulator) -> list[dict]:
    return [received.params for received in simulator.received if received.action == "add"]


def _due_now(order) -> None:
    Order.objects.filter(pk=order.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_every_add_carries_its_orders_own_key(sent_order, simulator):
    first, second = sent_order(), sent_order()
    keys = [params["idempotency_key"] for params in _adds(simulator)]
    assert keys == [first.forward_key, second.forward_key]
    assert first.forward_key != second.forward_key


def test_an_add_answered_with_half_a_json_goes_again_and_the_order_is_placed_once(
    place_order, simulator, honouring, set_faults
):
    order = place_order()
    set_faults(
        truncated_json=1.0, only={"truncated_json": ["add"]}, at_most={"truncated_json": 1}
    )  # placed, then the answer is cut

    assert order_submit(order_id=order.pk) == Submission.QUEUED
    order.refresh_from_db()
    assert not order.flagged
    assert timedelta(seconds=5) < order.next_attempt_at - timezone.now() <= timedelta(seconds=10)

    _due_now(order)
    assert order_submit(order_id=order.pk) == Submission.SENT
    order.refresh_from_db()
    (placed,) = simulator.orders()
    assert order.provider_order_id == placed.order_id
    assert [params["idempotency_key"] for params in _adds(simulator)] == [order.forward_key] * 2


def test_the_sweeper_sends_stuck_and_unknown_orders_again_once_the_provider_honours_keys(
    place_order, simulator, provider, set_faults
):
    simulator.honours_idempotency_keys = True  # as our panels always do; the panel learns it later
    unknown, stuck = place_order(), place_order()
    set_faults(truncated_json=1.0, only={"truncated_json": ["add"]}, at_most={"truncated_json": 1})
    assert order_submit(order_id=unknown.pk) == Submission.UNKNOWN  # not honoured yet: for an admin
    Order.objects.filter(pk=stuck.pk).update(
        submission=Submission.SENDING, claimed_at=timezone.now() - timedelta(minutes=10)
    )
    provider.honours_idempotency_keys = True
    provider.save(update_fields=["honours_idempotency_keys"])

    made_unknown, queued = orders_sweep()
    assert made_unknown == 0
    assert sorted(queued) == sorted([unknown.pk, stuck.pk])
    for order in (unknown, stuck):
        order.refresh_from_db()
        assert (order.submission, order.flagged) == (Submission.QUEUED, False)
        assert order.events.filter(message__contains="sent again with the same idempotency key").exists()
        assert order_submit(order_id=order.pk) == Submission.SENT
    placed = {snapshot.link: snapshot.order_id for snapshot in simulator.orders()}
    unknown.refresh_from_db()
    assert len(placed) == 2 and placed[unknown.link] == unknown.provider_order_id  # placed once


def test_a_provider_not_marked_never_gets_an_add_again(place_order, simulator, set_faults):
    order = place_order()
    set_faults(truncated_json=1.0, only={"truncated_json": ["add"]}, at_most={"truncated_json": 1})
    assert order_submit(order_id=order.pk) == Submission.UNKNOWN
    Order.objects.filter(pk=order.pk).update(claimed_at=timezone.now() - timedelta(hours=1))

    assert orders_sweep() == (0, [])
    order.refresh_from_db()
    assert (order.submission, order.flagged) == (Submission.UNKNOWN, True)
    assert len(_adds(simulator)) == 1


def test_a_key_the_provider_holds_for_another_order_leaves_the_order_unknown_and_charged(
    place_order, simulator, honouring
):
    order = place_order()
    simulator.api("add", {"service": "1", "link": "https://instagram.com/p/other", "quantity": "100",
                          "idempotency_key": order.forward_key})  # fmt: skip

    assert order_submit(order_id=order.pk) == Submission.UNKNOWN
    order.refresh_from_db()
    assert order.flagged and "another order under this order's key" in order.error
    assert not LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).exists()
