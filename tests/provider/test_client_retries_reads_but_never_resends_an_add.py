"""Reads are repeated after transient failures; add never is; refill and cancel only unsent."""

from collections.abc import Callable

import pytest
import requests
from urllib3.exceptions import ProtocolError

from provider.client import (
    ProviderBadAnswer,
    ProviderClient,
    ProviderOutcomeUnknown,
    ProviderUnreachable,
)
from provider.simulator import Faults, Simulator

LINK = "https://instagram.com/p/retry"


def sent(simulator: Simulator, action: str) -> int:
    return sum(1 for received in simulator.received if received.action == action)


@pytest.mark.parametrize(
    ("action", "call"),
    [
        ("services", lambda c, ids: c.services()),
        ("status", lambda c, ids: c.status(ids[0])),
        ("status", lambda c, ids: c.statuses(ids)),
        ("balance", lambda c, ids: c.balance()),
    ],
)
def test_a_read_is_retried_after_http_500_and_then_succeeds(
    client: ProviderClient, simulator: Simulator, place, action: str, call: Callable
) -> None:
    ids = place(2)
    simulator.set_faults(Faults(http_500=1.0, at_most={"http_500": 2}))
    before = client.calls

    assert call(client, ids)

    assert client.calls - before == 3
    assert sent(simulator, action) >= 3


def test_refill_status_is_retried_after_http_500(client: ProviderClient, simulator: Simulator, place) -> None:
    (order_id,) = place(1)
    simulator.force_status(order_id, "Completed")
    refill_id = client.refill(order_id)
    simulator.set_faults(Faults(http_500=1.0, at_most={"http_500": 1}))

    assert client.refill_status(refill_id).raw_status == "Pending"
    assert sent(simulator, "refill_status") == 2


def test_add_is_never_retried_after_http_500(client: ProviderClient, simulator: Simulator) -> None:
    simulator.set_faults(Faults(http_500=1.0, at_most={"http_500": 1}))

    with pytest.raises(ProviderBadAnswer):
        client.add(service=1, link=LINK, quantity=100)

    assert sent(simulator, "add") == 1 and client.calls == 1


def test_add_is_never_retried_when_the_connection_is_refused(
    closed_port: int, make_client: Callable[..., ProviderClient]
) -> None:
    client = make_client(f"http://127.0.0.1:{closed_port}/api/v2", retries=5)

    with pytest.raises(ProviderUnreachable):
        client.add(service=1, link=LINK, quantity=100)

    assert client.calls == 1


@pytest.mark.parametrize("action", ["refill", "cancel"])
def test_refill_and_cancel_are_not_retried_once_sent(
    client: ProviderClient, simulator: Simulator, place, action: str
) -> None:
    (order_id,) = place(1)
    simulator.force_status(order_id, "Completed")
    simulator.set_faults(Faults(http_500=1.0))

    with pytest.raises(ProviderBadAnswer):
        client.refill(order_id) if action == "refill" else client.cancel([order_id])

    assert sent(simulator, action) == 1


@pytest.mark.parametrize("action", ["refill", "cancel", "balance"])
def test_refill_cancel_and_reads_are_retried_when_no_connection_was_made(
    closed_port: int, make_client: Callable[..., ProviderClient], action: str
) -> None:
    client = make_client(f"http://127.0.0.1:{closed_port}/api/v2", retries=2)
    call = {
        "refill": lambda: client.refill(1),
        "cancel": lambda: client.cancel([1]),
        "balance": client.balance,
    }

    with pytest.raises(ProviderUnreachable):
        call[action]()

    assert client.calls == 3


class FailingSession(requests.Session):
    """A session whose requests fail the way requests reports transport failures."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
        self.posts = 0

    def post(self, *args: object, **kwargs: object) -> requests.Response:  # type: ignore[override]
        self.posts += 1
        assert kwargs["timeout"] == (1.0, 2.0)  # an explicit (connect, read) timeout on every call
        assert "key" not in str(args[0]) and "key" in kwargs["data"]  # type: ignore[operator]
        raise self.error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (requests.ConnectTimeout("connect timed out"), ProviderUnreachable),
        (requests.ReadTimeout("read timed out"), ProviderOutcomeUnknown),
        (
            requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104))),
            ProviderOutcomeUnknown,
        ),
        (requests.exceptions.ChunkedEncodingError("cut body"), ProviderOutcomeUnknown),
    ],
)
def test_transport_failures_map_to_unreachable_or_unknown(
    make_client: Callable[..., ProviderClient], error: Exception, expected: type
) -> None:
    session = FailingSession(error)
    client = make_client("https://provider.example/api/v2", session=session)

    with pytest.raises(expected):
        client.add(service=1, link=LINK, quantity=100)
    assert session.posts == 1  # add: never again

    with pytest.raises(expected):
        client.status(1)
    assert session.posts == 1 + 3  # a read: once and two retries
