"""The many-forms take at most 100 ids per call: 250 ids are three calls."""

from decimal import Decimal

from provider.client import MAX_IDS_PER_CALL, OrderStatusResult, ProviderClient, ProviderRefused
from provider.simulator import Simulator


def id_counts(simulator: Simulator, action: str, param: str) -> list[int]:
    return [
        len(r.params[param].split(","))
        for r in simulator.received
        if r.action == action and param in r.params
    ]


def test_250_order_statuses_take_three_calls(client: ProviderClient, simulator: Simulator, place) -> None:
    simulator.set_balance(Decimal(10**6))
    ids = place(250, service=3, quantity=10)
    before = client.calls

    results = client.statuses(ids)

    assert client.calls - before == 3
    assert id_counts(simulator, "status", "orders") == [100, 100, 50]
    assert set(results) == set(ids)
    assert all(isinstance(result, OrderStatusResult) for result in results.values())


def test_repeated_ids_are_asked_once(client: ProviderClient, simulator: Simulator, place) -> None:
    ids = place(3, service=3, quantity=10)

    client.statuses(ids * 60)

    assert id_counts(simulator, "status", "orders") == [3]


def test_no_ids_make_no_call(client: ProviderClient) -> None:
    assert client.statuses([]) == {} and client.cancel([]) == {}
    assert client.refills([]) == {} and client.refill_statuses([]) == {}
    assert client.calls == 0


def test_cancel_refill_and_refill_status_are_chunked_too(
    client: ProviderClient, simulator: Simulator
) -> None:
    ids = list(range(1, 251))  # unknown ids: each answered with an error in its place

    cancels = client.cancel(ids)
    refills = client.refills(ids)
    refill_statuses = client.refill_statuses(ids)

    assert id_counts(simulator, "cancel", "orders") == [100, 100, 50]
    assert id_counts(simulator, "refill", "orders") == [100, 100, 50]
    assert id_counts(simulator, "refill_status", "refills") == [100, 100, 50]
    assert client.calls == 9
    assert set(cancels) == set(refills) == set(ids)
    assert set(refill_statuses) == {str(i) for i in ids}
    assert all(isinstance(v, ProviderRefused) for v in [*cancels.values(), *refills.values()])
    assert MAX_IDS_PER_CALL == 100
