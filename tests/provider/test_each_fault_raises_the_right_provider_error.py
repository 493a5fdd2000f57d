"""Each way a provider fails, over real HTTP, and the exception the client turns it into."""

from collections.abc import Callable

import pytest

from provider.client import (
    ProviderBadAnswer,
    ProviderClient,
    ProviderError,
    ProviderOutcomeUnknown,
    ProviderRefused,
    ProviderUnreachable,
)
from provider.simulator import Faults, Simulator

LINK = "https://instagram.com/p/fault"


def adds(simulator: Simulator) -> int:
    return sum(1 for received in simulator.received if received.action == "add")


def test_an_html_page_with_http_200_is_a_bad_answer(client: ProviderClient, simulator: Simulator) -> None:
    simulator.set_faults(Faults(html=1.0))

    with pytest.raises(ProviderBadAnswer, match="HTML") as caught:
        client.balance()

    assert caught.value.status_code == 200
    assert caught.value.outcome_unknown and not caught.value.permanent
    assert client.calls == 1  # a 200 is an answer: repeating it would not change it


def test_truncated_json_is_a_bad_answer(client: ProviderClient, simulator: Simulator) -> None:
    simulator.set_faults(Faults(truncated_json=1.0))

    with pytest.raises(ProviderBadAnswer, match="truncated"):
        client.services()


def test_truncated_json_after_add_leaves_the_order_placed(
    client: ProviderClient, simulator: Simulator
) -> None:
    simulator.set_faults(Faults(truncated_json=1.0))

    with pytest.raises(ProviderBadAnswer) as caught:
        client.add(service=1, link=LINK, quantity=100)

    assert caught.value.outcome_unknown
    assert adds(simulator) == 1 and len(simulator.orders()) == 1


def test_http_500_on_a_read_is_a_bad_answer_after_every_retry(
    client: ProviderClient, simulator: Simulator
) -> None:
    simulator.set_faults(Faults(http_500=1.0))

    with pytest.raises(ProviderBadAnswer, match="HTTP 500") as caught:
        client.status(1)

    assert caught.value.status_code == 500
    assert client.calls == 1 + client.retries == 3


def test_an_add_answered_after_the_read_timeout_is_an_unknown_outcome_sent_once(
    simulator: Simulator, make_client: Callable[..., ProviderClient]
) -> None:
    client = make_client(simulator.url, read_timeout=0.3)
    simulator.set_faults(Faults(add_accepted_late=1.0, late_delay=1.5))

    with pytest.raises(ProviderOutcomeUnknown) as caught:
        client.add(service=1, link=LINK, quantity=100)

    assert caught.value.outcome_unknown and not caught.value.permanent
    assert adds(simulator) == 1 and client.calls == 1
    assert [order.link for order in simulator.orders()] == [LINK]  # the provider did place it


def test_an_add_that_times_out_before_acceptance_places_nothing_and_is_not_resent(
    simulator: Simulator, make_client: Callable[..., ProviderClient]
) -> None:
    client = make_client(simulator.url, read_timeout=0.3)
    simulator.set_faults(Faults(add_timeout_before_accept=1.0, late_delay=1.0))

    with pytest.raises(ProviderOutcomeUnknown):
        client.add(service=1, link=LINK, quantity=100)

    assert adds(simulator) == 1
    assert simulator.orders() == []


def test_a_connection_closed_without_an_answer_is_an_unknown_outcome(
    client: ProviderClient, simulator: Simulator
) -> None:
    simulator.set_faults(Faults(add_timeout_before_accept=1.0, late_delay=0))

    with pytest.raises(ProviderOutcomeUnknown):
        client.add(service=1, link=LINK, quantity=100)

    assert adds(simulator) == 1


def test_a_refused_connection_is_unreachable(
    closed_port: int, make_client: Callable[..., ProviderClient]
) -> None:
    client = make_client(f"http://127.0.0.1:{closed_port}/api/v2")

    with pytest.raises(ProviderUnreachable, match="could not connect") as caught:
        client.add(service=1, link=LINK, quantity=100)

    assert not caught.value.outcome_unknown and not caught.value.permanent
    assert client.calls == 1


def test_an_unknown_host_is_unreachable(make_client: Callable[..., ProviderClient]) -> None:
    client = make_client("http://provider.invalid/api/v2", retries=0)

    with pytest.raises(ProviderUnreachable):
        client.balance()


def test_a_refusal_fault_answers_add_with_a_standard_error(
    client: ProviderClient, simulator: Simulator
) -> None:
    simulator.set_faults(Faults(refusal=1.0, refusal_permanent=0.5, seed=3))

    refusals = []
    for n in range(12):
        with pytest.raises(ProviderRefused) as caught:
            client.add(service=1, link=f"{LINK}/{n}", quantity=100)
        refusals.append(caught.value)

    assert {r.permanent for r in refusals} == {True, False}
    assert simulator.orders() == []


def test_latency_delays_but_does_not_break_answers(
    simulator: Simulator, make_client: Callable[..., ProviderClient]
) -> None:
    simulator.set_faults(Faults(latency=0.2, only={"latency": ["balance"]}))
    client = make_client(simulator.url, read_timeout=0.1, retries=1)

    with pytest.raises(ProviderOutcomeUnknown):
        client.balance()
    assert client.calls == 2  # a read is retried after a read timeout
    assert client.services()  # out of the fault's scope


def test_every_provider_error_says_if_it_is_permanent_and_if_the_outcome_is_unknown() -> None:
    for error_class in (ProviderBadAnswer, ProviderOutcomeUnknown, ProviderUnreachable):
        error: ProviderError = error_class("x")
        assert error.permanent is False
        assert error.outcome_unknown is (error_class is not ProviderUnreachable)
