"""A cancel or refill request is only accepted at once; its outcome shows in later reads."""

from decimal import Decimal

import pytest

from provider.client import ProviderClient, ProviderRefused
from provider.simulator import Simulator
from provider.simulator.orders import CANCEL_DELAY, REFILL_STEPS
from provider.statuses import OrderStatus, RefillStatus


def test_a_cancelled_pending_order_becomes_canceled_later_and_is_refunded_in_full(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    (order_id,) = place(1)
    charge = simulator.order(order_id).charge

    assert client.cancel([order_id]) == {order_id: True}
    assert client.status(order_id).status == OrderStatus.PENDING  # not yet
    simulator.advance(CANCEL_DELAY)

    result = client.status(order_id)
    assert (result.status, result.remains, result.charge) == (OrderStatus.CANCELED, 1000, Decimal("0.00000"))
    assert simulator.order(order_id).refunded == charge
    assert simulator.balance == Decimal(1000)


def test_a_cancelled_order_that_had_started_ends_partial(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    simulator.partial_share = simulator.cancel_share = 0
    (order_id,) = place(1)
    while client.status(order_id).remains == 1000:  # wait until some is delivered
        simulator.advance(2)

    client.cancel([order_id])
    delivered = 1000 - client.status(order_id).remains  # type: ignore[operator]
    simulator.advance(CANCEL_DELAY)

    order = simulator.order(order_id)
    assert order.status == OrderStatus.PARTIAL
    assert 0 < 1000 - order.remains >= delivered
    assert 0 < order.refunded < order.charge


def test_a_second_cancel_is_accepted_and_changes_nothing(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    (order_id,) = place(1)
    client.cancel([order_id])
    simulator.advance(CANCEL_DELAY - 1)

    assert client.cancel([order_id]) == {order_id: True}
    simulator.advance(1)
    assert simulator.order(order_id).status == OrderStatus.CANCELED


def test_a_final_order_cannot_be_canceled(client: ProviderClient, simulator: Simulator, place) -> None:
    (order_id,) = place(1)
    simulator.force_status(order_id, OrderStatus.COMPLETED)

    refused = client.cancel([order_id])[order_id]

    assert isinstance(refused, ProviderRefused)
    assert simulator.order(order_id).refunded == 0


def test_a_refill_goes_pending_then_in_progress_then_completed_or_rejected(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    ids = place(20)
    for order_id in ids:
        simulator.force_status(order_id, OrderStatus.COMPLETED)
    refill_ids = [client.refill(order_id) for order_id in ids]

    seen = [{r.status for r in client.refill_statuses(refill_ids).values()}]  # type: ignore[union-attr]
    simulator.advance(REFILL_STEPS[0])
    seen.append({r.status for r in client.refill_statuses(refill_ids).values()})  # type: ignore[union-attr]
    simulator.advance(REFILL_STEPS[1])
    seen.append({r.status for r in client.refill_statuses(refill_ids).values()})  # type: ignore[union-attr]

    assert seen == [
        {RefillStatus.PENDING},
        {RefillStatus.IN_PROGRESS},
        {RefillStatus.COMPLETED, RefillStatus.REJECTED},
    ]


def test_a_refill_needs_a_delivered_order(client: ProviderClient, simulator: Simulator, place) -> None:
    pending, canceled = place(2)
    simulator.force_status(canceled, OrderStatus.CANCELED)

    with pytest.raises(ProviderRefused):
        client.refill(pending)
    with pytest.raises(ProviderRefused):
        client.refill(canceled)
