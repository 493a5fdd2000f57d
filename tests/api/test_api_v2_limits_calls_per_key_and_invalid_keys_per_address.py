"""Calls per key per minute are limited (API_RATE_LIMIT_PER_MINUTE), and so are invalid keys per
address (API_INVALID_KEY_LIMIT_PER_MINUTE). Past a limit the answer is the protocol's shape,
{"error": "Too many requests"} with HTTP 200, plus Retry-After: the seconds until the oldest call
counted is a minute old: the window moves with the clock."""

import pytest
import requests


@pytest.fixture
def clock(limits_clock):
    return limits_clock


def test_a_key_past_its_calls_per_minute_is_told_to_wait_until_its_first_call_is_a_minute_old(
    api, make_reseller, clock, settings
):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    busy, calm = make_reseller(), make_reseller()
    for _ in range(3):
        assert "balance" in api({"key": busy.key, "action": "balance"}).json()

    reply = api({"key": busy.key, "action": "balance"})
    assert reply.status_code == 200
    assert reply.json() == {"error": "Too many requests"}
    assert reply.headers["Retry-After"] == "61"
    # Other keys have their own count.
    assert "balance" in api({"key": calm.key, "action": "balance"}).json()

    clock.now += 59.5
    assert api({"key": busy.key, "action": "services"}).headers["Retry-After"] == "1"
    clock.now += 1
    assert "balance" in api({"key": busy.key, "action": "balance"}).json()


def test_every_call_counts_whatever_its_action_or_outcome(api, reseller, clock, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    assert api({"key": reseller.key, "action": "nonsense"}).json() == {"error": "Incorrect request"}
    assert api({"key": reseller.key, "action": "status", "order": "1"}).json() == {
        "error": "Incorrect order ID"
    }
    assert api({"key": reseller.key, "action": "balance"}).json() == {"error": "Too many requests"}


def test_invalid_keys_from_one_address_are_throttled_before_any_key_is_checked(
    client, reseller, clock, settings
):
    settings.API_INVALID_KEY_LIMIT_PER_MINUTE = 3
    guesser = {"REMOTE_ADDR": "203.0.113.7"}
    for guess in ("a", "b", ""):
        assert client.post("/api/v2", {"key": guess, "action": "balance"}, **guesser).json() == {
            "error": "Invalid API key"
        }
    refused = client.post("/api/v2", {"key": "c", "action": "balance"}, **guesser)
    assert refused.json() == {"error": "Too many requests"} and refused.headers["Retry-After"] == "61"
    # Even a right key from there waits: a guesser must not learn that a guess was right.
    assert client.post("/api/v2", {"key": reseller.key, "action": "balance"}, **guesser).json() == {
        "error": "Too many requests"
    }
    # Another address is not affected; an IPv6 address counts with its whole /64.
    assert (
        "balance"
        in client.post(
            "/api/v2", {"key": reseller.key, "action": "balance"}, REMOTE_ADDR="203.0.113.8"
        ).json()
    )
    for host in ("2001:db8::1", "2001:db8::2", "2001:db8::3"):
        client.post("/api/v2", {"key": "x", "action": "balance"}, REMOTE_ADDR=host)
    same_net = client.post("/api/v2", {"key": "x", "action": "balance"}, REMOTE_ADDR="2001:db8::ffff")
    assert same_net.json() == {"error": "Too many requests"}

    clock.now += 61
    assert "balance" in client.post("/api/v2", {"key": reseller.key, "action": "balance"}, **guesser).json()


def test_the_limit_answers_over_real_http_in_the_protocols_shape(live_server, reseller, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    url = live_server.url + "/api/v2"
    with requests.Session() as session:
        answers = [
            session.post(url, data={"key": reseller.key, "action": "balance"}, timeout=10) for _ in range(6)
        ]
    limited = [reply for reply in answers if reply.json() == {"error": "Too many requests"}]
    # Two fit in a minute; a minute may have turned during the run, letting two more through.
    assert len(limited) >= 2
    for reply in limited:
        assert reply.status_code == 200
        assert 1 <= int(reply.headers["Retry-After"]) <= 60
