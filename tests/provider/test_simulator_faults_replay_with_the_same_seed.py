"""Faults are drawn from their seed: the same requests meet the same failures, and limits hold."""

from collections.abc import Callable

import pytest

from provider.client import ProviderClient, ProviderError, ProviderRefused
from provider.simulator import Faults, Simulator

FAULTS = {"http_500": 0.3, "html": 0.2, "truncated_json": 0.2, "refusal": 0.3, "seed": 42}


def outcomes(make_client: Callable[..., ProviderClient], faults: Faults) -> list[str]:
    with Simulator("k", time_scale=0, faults=faults) as sim:
        client = make_client(sim.url, "k", retries=0)
        results = []
        for n in range(30):
            try:
                client.add(service=1, link=f"https://x.com/{n}", quantity=100)
                results.append("ok")
            except ProviderError as error:
                results.append(f"{type(error).__name__}:{error}")
        return results


def test_the_same_seed_replays_the_same_failures(make_client: Callable[..., ProviderClient]) -> None:
    first = outcomes(make_client, Faults(**FAULTS))
    again = outcomes(make_client, Faults(**FAULTS))
    other = outcomes(make_client, Faults(**{**FAULTS, "seed": 43}))

    assert first == again
    assert first != other
    said = "\n".join(first)
    assert all(f"\n{what}" in f"\n{said}" for what in ("ok", "ProviderRefused", "ProviderBadAnswer"))
    assert all(what in said for what in ("HTTP 500", "HTML", "truncated"))


def test_at_most_limits_how_often_a_fault_fires(simulator: Simulator, client: ProviderClient) -> None:
    simulator.set_faults(Faults(html=1.0, at_most={"html": 2}))

    results = []
    for _ in range(4):
        try:
            client.balance()
            results.append("ok")
        except ProviderError:
            results.append("failed")

    assert results == ["failed", "failed", "ok", "ok"]


def test_only_limits_a_fault_to_some_actions(simulator: Simulator, client: ProviderClient) -> None:
    simulator.set_faults(Faults(http_500=1.0, only={"http_500": ["balance"]}))

    assert client.services()
    with pytest.raises(ProviderError):
        client.balance()


def test_incorrect_order_id_strikes_single_ids_in_a_many_status(
    simulator: Simulator, client: ProviderClient, place
) -> None:
    ids = place(30, service=3, quantity=100)
    simulator.set_faults(Faults(incorrect_order_id=0.3, seed=2))

    results = client.statuses(ids)

    refused = [r for r in results.values() if isinstance(r, ProviderRefused)]
    assert set(results) == set(ids)
    assert 0 < len(refused) < len(ids)
    assert all(r.message == "Incorrect order ID" for r in refused)


def test_faults_read_from_json_and_refuse_unknown_names() -> None:
    faults = Faults.from_json('{"http_500": 0.1, "only": {"http_500": ["status"]}, "at_most": {"html": 1}}')

    assert (faults.http_500, faults.only, faults.at_most) == (0.1, {"http_500": ["status"]}, {"html": 1})
    with pytest.raises(ValueError, match="unknown"):
        Faults.from_json('{"explode": 1}')
    with pytest.raises(ValueError, match="unknown"):
        Faults(only={"explode": ["add"]})
