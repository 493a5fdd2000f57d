"""A connection lost once the request is written may have cost the provider its order: the client
says "outcome unknown", never "could not connect", whatever the failure is called. Over TLS a
provider (or its proxy) closing without TLS's close_notify reads as the end of the answer (ssl's
ragged-EOF rule); bytes that break TLS in the answer are an SSL error, the same class as a failed
handshake, and were taken for "could not connect": a `refill` or `cancel` was sent again, and an
`add` put back in the queue, to be bought twice. A handshake that fails still sends nothing."""

from collections.abc import Callable

import pytest

from provider.client import ProviderClient, ProviderOutcomeUnknown, ProviderUnreachable
from tests.provider.conftest import Scripted

LINK = "https://instagram.com/p/hung-up"


@pytest.fixture
def client(make_client: Callable[..., ProviderClient], scripted_either: Scripted) -> ProviderClient:
    return make_client(scripted_either.url, connect_timeout=2, read_timeout=2, retries=2)


def test_an_add_whose_connection_is_dropped_after_sending_has_an_unknown_outcome(
    client: ProviderClient, scripted_either: Scripted
) -> None:
    scripted_either.reply({"order": 7}, hang_up=True)

    with pytest.raises(ProviderOutcomeUnknown) as caught:
        client.add(service=1, link=LINK, quantity=100)

    assert caught.value.outcome_unknown
    assert len(scripted_either.requests) == client.calls == 1  # received once, never sent again


@pytest.mark.parametrize("action", ["refill", "cancel"])
def test_a_refill_or_cancel_whose_connection_is_dropped_after_sending_is_not_sent_again(
    client: ProviderClient, scripted_either: Scripted, action: str
) -> None:
    scripted_either.reply({}, hang_up=True)

    with pytest.raises(ProviderOutcomeUnknown):
        client.refill(7) if action == "refill" else client.cancel([7])

    assert len(scripted_either.requests) == 1


def test_a_provider_that_cannot_be_reached_is_still_unreachable(
    make_client: Callable[..., ProviderClient], closed_port: int
) -> None:
    client = make_client(
        f"https://127.0.0.1:{closed_port}/api/v2", connect_timeout=1, read_timeout=1, retries=0
    )

    with pytest.raises(ProviderUnreachable):
        client.add(service=1, link=LINK, quantity=100)


def test_an_add_whose_answer_breaks_tls_has_an_unknown_outcome(
    make_client: Callable[..., ProviderClient], scripted_https: Scripted
) -> None:
    scripted_https.reply({"order": 7}, garble=True)
    client = make_client(scripted_https.url, connect_timeout=2, read_timeout=2, retries=2)

    with pytest.raises(ProviderOutcomeUnknown, match="no answer") as caught:
        client.add(service=1, link=LINK, quantity=100)

    assert "bad record mac" in str(caught.value).lower()
    assert len(scripted_https.requests) == client.calls == 1


@pytest.mark.parametrize("action", ["refill", "cancel"])
def test_a_refill_or_cancel_whose_answer_breaks_tls_is_not_sent_again(
    make_client: Callable[..., ProviderClient], scripted_https: Scripted, action: str
) -> None:
    scripted_https.reply({}, garble=True)
    client = make_client(scripted_https.url, connect_timeout=2, read_timeout=2, retries=2)

    with pytest.raises(ProviderOutcomeUnknown):
        client.refill(7) if action == "refill" else client.cancel([7])

    assert len(scripted_https.requests) == 1


def test_a_tls_handshake_that_fails_sends_nothing_and_is_unreachable(
    make_client: Callable[..., ProviderClient], scripted_https: Scripted, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")  # the provider's certificate is not trusted
    scripted_https.reply({"order": 7})
    client = make_client(scripted_https.url, connect_timeout=2, read_timeout=2, retries=2)

    with pytest.raises(ProviderUnreachable, match="could not connect"):
        client.add(service=1, link=LINK, quantity=100)

    assert scripted_https.requests == []
