"""A provider answer is read within the call's time (connect + read timeout, in all) and up to
MAX_ANSWER_BYTES: a provider trickling its answer a byte at a time, or sending a body without end,
gets a precise error instead of holding a worker for ever or filling its memory."""

import pytest

from provider.client import ProviderBadAnswer, ProviderOutcomeUnknown, api

LINK = "https://instagram.com/p/slow"


def test_an_answer_trickling_past_the_calls_time_is_an_unknown_outcome(make_client, scripted) -> None:
    # 200 bytes, 50 ms apart: 10 s in all, each byte well within the 0.5 s read timeout.
    scripted.reply(b'{"order": 7' + b" " * 200 + b"}", pace=0.05)
    client = make_client(scripted.url, connect_timeout=0.5, read_timeout=0.5)

    with pytest.raises(ProviderOutcomeUnknown, match="took over 1 s") as caught:
        client.add(service=1, link=LINK, quantity=100)

    assert caught.value.outcome_unknown
    assert client.calls == 1  # an add is never sent twice


def test_a_paced_answer_that_arrives_in_time_is_read(make_client, scripted) -> None:
    scripted.reply({"order": 7}, pace=0.01)
    client = make_client(scripted.url, connect_timeout=0.5, read_timeout=0.5)

    assert client.add(service=1, link=LINK, quantity=100) == 7


def test_an_answer_cut_off_after_its_headers_is_an_unknown_outcome(make_client, scripted) -> None:
    scripted.reply({"order": 7}, cut=100)  # announces 100 bytes more than it sends, then hangs up
    client = make_client(scripted.url)

    with pytest.raises(ProviderOutcomeUnknown, match="no answer from") as caught:
        client.add(service=1, link=LINK, quantity=100)

    assert caught.value.outcome_unknown
    assert client.calls == 1  # the provider may have placed it: an add is never sent twice


def test_an_answer_longer_than_the_limit_is_a_bad_answer(make_client, scripted, monkeypatch) -> None:
    monkeypatch.setattr(api, "MAX_ANSWER_BYTES", 1000)
    scripted.reply([{"service": n, "name": "x" * 50, "rate": "1.0"} for n in range(100)])
    client = make_client(scripted.url, retries=0)

    with pytest.raises(ProviderBadAnswer, match="over 1,000 bytes") as caught:
        client.services()

    assert caught.value.status_code == 200
    assert client.calls == 1  # a 200 is an answer: asking again would bring the same
