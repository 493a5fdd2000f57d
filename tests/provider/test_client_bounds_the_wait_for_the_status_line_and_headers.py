"""A provider trickling its status line and headers a byte at a time, each byte well within the read
timeout, is cut off at the call's time (connect + read timeout, in all) as one trickling its body
is: over http and https, an add is never sent twice and a read is retried, while answers that come
in time are read and the connection is kept for the next call."""

import time
from collections.abc import Callable

import pytest

from provider.client import ProviderClient, ProviderOutcomeUnknown
from tests.provider.conftest import Scripted

CONNECT, READ = 0.2, 0.3
TOTAL = CONNECT + READ  # the call's time
SLOW = 0.02  # seconds between the bytes of a head of about 150 bytes: 3 s in all, 6x the call's time
LINK = "https://instagram.com/p/slow-head"


@pytest.fixture
def client(make_client: Callable[..., ProviderClient], scripted_either: Scripted) -> ProviderClient:
    return make_client(scripted_either.url, connect_timeout=CONNECT, read_timeout=READ, retries=1)


def test_an_add_whose_headers_trickle_past_the_calls_time_is_an_unknown_outcome(
    client: ProviderClient, scripted_either: Scripted
) -> None:
    scripted_either.reply({"order": 7}, header_pace=SLOW)
    started = time.monotonic()

    with pytest.raises(ProviderOutcomeUnknown, match=f"took over {TOTAL:g} s") as caught:
        client.add(service=1, link=LINK, quantity=100)

    assert time.monotonic() - started < 3 * TOTAL
    assert caught.value.outcome_unknown
    assert client.calls == 1  # the provider may have placed it: an add is never sent twice


def test_a_read_whose_headers_trickle_is_retried_and_each_try_ends_in_time(
    client: ProviderClient, scripted_either: Scripted
) -> None:
    scripted_either.reply({"balance": "12.50", "currency": "USD"}, header_pace=SLOW)
    started = time.monotonic()

    with pytest.raises(ProviderOutcomeUnknown, match=f"took over {TOTAL:g} s"):
        client.balance()

    assert client.calls == 2  # once and the one retry
    assert time.monotonic() - started < 2 * 3 * TOTAL


def test_headers_trickling_within_the_calls_time_are_read(
    client: ProviderClient, scripted_either: Scripted
) -> None:
    scripted_either.reply({"order": 7}, header_pace=0.0002)  # about 0.05 s for the head, well within 0.5 s

    assert client.add(service=1, link=LINK, quantity=100) == 7


def test_answers_in_time_are_read_and_twenty_calls_share_one_connection(
    client: ProviderClient, scripted_either: Scripted
) -> None:
    scripted_either.keep_alive = True
    scripted_either.reply({"order": 7})

    assert [client.add(service=1, link=LINK, quantity=100) for _ in range(20)] == [7] * 20
    assert len(scripted_either.peers) == 20
    assert len(set(scripted_either.peers)) == 1  # kept alive: one connection for all twenty
