"""The API key appears in no log line, exception, repr or URL, whatever happens."""

import logging
from collections.abc import Callable

import pytest

from provider.client import ProviderClient, ProviderError
from provider.simulator import Faults, Simulator


def everything_said(caplog: pytest.LogCaptureFixture, errors: list[BaseException]) -> str:
    lines = [record.getMessage() for record in caplog.records]
    lines += [str(record.args) for record in caplog.records]
    for error in errors:
        lines += [str(error), repr(error), str(error.__cause__), str(error.__context__)]
    return "\n".join(lines)


def run_everything(client: ProviderClient, simulator: Simulator) -> list[BaseException]:
    errors: list[BaseException] = []

    def attempt(call: Callable[[], object]) -> None:
        try:
            call()
        except ProviderError as error:
            errors.append(error)

    attempt(client.services)
    attempt(lambda: client.add(service=1, link="https://instagram.com/p/key", quantity=100))
    attempt(lambda: client.add(service=999, link="https://instagram.com/p/key", quantity=100))
    attempt(lambda: client.status(10001))
    attempt(lambda: client.statuses([10001, 5]))
    attempt(lambda: client.refill(10001))
    attempt(lambda: client.refills([10001]))
    attempt(lambda: client.refill_status(1))
    attempt(lambda: client.refill_statuses([1]))
    attempt(lambda: client.cancel([10001]))
    attempt(client.balance)
    for faults in (Faults(http_500=1.0), Faults(html=1.0), Faults(truncated_json=1.0)):
        simulator.set_faults(faults)
        attempt(client.balance)
        attempt(lambda: client.add(service=1, link="https://instagram.com/p/key2", quantity=100))
    simulator.set_faults(Faults(add_accepted_late=1.0, late_delay=0.6))
    attempt(lambda: client.add(service=1, link="https://instagram.com/p/key3", quantity=100))
    return errors


def test_no_log_line_exception_or_repr_shows_the_key(
    simulator: Simulator, make_client: Callable[..., ProviderClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, urllib3's and the simulator's included
    client = make_client(simulator.url, read_timeout=0.3)

    errors = run_everything(client, simulator)

    assert len(errors) >= 8
    assert simulator.key not in everything_said(caplog, errors)
    assert any(r.name == "provider.client" for r in caplog.records)
    assert simulator.key not in repr(client) and simulator.key not in str(client)


def test_a_refused_connection_does_not_show_the_key(
    closed_port: int, make_client: Callable[..., ProviderClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = "unreachable-secret-9431"
    client = make_client(f"http://127.0.0.1:{closed_port}/api/v2", key)

    with pytest.raises(ProviderError) as caught:
        client.balance()

    assert key not in everything_said(caplog, [caught.value])


def test_a_provider_that_echoes_the_key_is_scrubbed(
    scripted, make_client: Callable[..., ProviderClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = "echoed-secret-1234"
    scripted.reply({"error": f"Invalid API key {key}"})

    with pytest.raises(ProviderError) as caught:
        make_client(scripted.url, key).balance()

    assert key not in everything_said(caplog, [caught.value])
    assert str(caught.value) == "Invalid API key [key]"


def test_the_key_travels_in_the_post_body_only(scripted, make_client: Callable[..., ProviderClient]) -> None:
    scripted.reply({"balance": "1", "currency": "USD"})

    make_client(scripted.url, "body-only-key").balance()

    assert scripted.requests == [{"key": "body-only-key", "action": "balance"}]
    assert scripted.paths == ["/api/v2"]
