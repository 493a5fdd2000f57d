"""Orders move Pending -> In progress (or Processing) -> Completed, Partial or Canceled, and the
numbers the simulator answers agree with each other at every step."""

from decimal import ROUND_DOWN, Decimal

from provider.client import OrderStatusResult, ProviderClient
from provider.simulator import Simulator
from provider.statuses import FINAL_STATUSES, OrderStatus

ORDER = {
    OrderStatus.PENDING: 0,
    OrderStatus.PROCESSING: 1,
    OrderStatus.IN_PROGRESS: 1,
    OrderStatus.COMPLETED: 2,
    OrderStatus.PARTIAL: 2,
    OrderStatus.CANCELED: 2,
}


def test_every_order_ends_final_and_never_moves_back(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    simulator.partial_share = simulator.cancel_share = 0.25
    ids = place(40, service=3, quantity=1000)
    history: dict[int, list[OrderStatusResult]] = {order_id: [] for order_id in ids}

    for _ in range(30):
        for order_id, result in client.statuses(ids).items():
            assert isinstance(result, OrderStatusResult)
            history[order_id].append(result)
        simulator.advance(5)

    seen = set()
    for results in history.values():
        steps = [ORDER[r.status] for r in results]  # type: ignore[index]
        assert steps == sorted(steps)
        remains = [r.remains for r in results]
        assert remains == sorted(remains, reverse=True)  # delivery only goes forward
        assert results[-1].status in FINAL_STATUSES
        assert len({r.status for r in results if r.status in FINAL_STATUSES}) == 1
        seen |= {r.status for r in results}
    assert seen == set(OrderStatus)


def test_final_numbers_are_consistent_with_the_charge(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    simulator.partial_share = simulator.cancel_share = 0.3
    ids = place(30, service=3, quantity=1000)
    simulator.advance(3600)

    for order_id, result in client.statuses(ids).items():
        order = simulator.order(order_id)
        assert isinstance(result, OrderStatusResult)
        assert result.status == order.status
        assert result.remains == order.remains
        if order.status == OrderStatus.COMPLETED:
            assert (order.remains, order.refunded) == (0, 0)
        elif order.status == OrderStatus.CANCELED:
            assert (order.remains, order.refunded) == (order.quantity, order.charge)
        else:
            assert 0 < order.remains < order.quantity
            expected = (order.charge * order.remains / order.quantity).quantize(
                Decimal("0.00001"), ROUND_DOWN
            )
            assert order.refunded == expected
        assert result.charge == order.charge - order.refunded  # the provider's charge shows the refund
        assert result.start_count is not None and result.start_count >= 0


def test_a_pending_order_has_no_start_count_and_all_remains(client: ProviderClient, place) -> None:
    (order_id,) = place(1, quantity=500)

    result = client.status(order_id)

    assert (result.status, result.start_count, result.remains) == (OrderStatus.PENDING, None, 500)


def test_the_same_seed_plans_the_same_outcomes(make_client) -> None:
    outcomes = []
    for _ in range(2):
        with Simulator("k", seed=11, time_scale=0, partial_share=0.3, cancel_share=0.3) as sim:
            client = make_client(sim.url, "k")
            ids = [client.add(service=3, link=f"https://x.com/{n}", quantity=100) for n in range(20)]
            sim.advance(3600)
            outcomes.append([(sim.order(i).status, sim.order(i).remains) for i in ids])

    assert outcomes[0] == outcomes[1]


def test_time_scale_moves_orders_on_without_advance(make_client) -> None:
    with Simulator("k", time_scale=2000, partial_share=0, cancel_share=0) as sim:
        client = make_client(sim.url, "k")
        order_id = client.add(service=3, link="https://x.com/fast", quantity=100)
        deadline = 0
        while client.status(order_id).status != OrderStatus.COMPLETED and deadline < 100:
            sim.sleep(0.02)
            deadline += 1

    assert deadline < 100
