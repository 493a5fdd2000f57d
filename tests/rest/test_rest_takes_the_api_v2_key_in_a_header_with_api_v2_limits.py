"""The REST API takes the API v2 key as `Authorization: Bearer` or `X-API-Key`; no key or a bad one
is a 401 in the error shape; bad keys block their address, and a key's REST and API v2 calls
share one limit, each a 429 with Retry-After. No log line has a key."""

import logging

import pytest

from panel.apikeys import api_key_revoke
from tests.rest.conftest import error_of


def test_a_bearer_key_or_an_x_api_key_header_is_the_resellers(rest, reseller):
    assert rest("GET", "balance/").status_code == 200
    response = rest("GET", "balance/", key=None, headers={"X-API-Key": reseller.key})
    assert response.status_code == 200
    assert (
        rest("GET", "balance/", key=None, headers={"Authorization": f"bearer  {reseller.key}"}).status_code
        == 200
    )


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic dXNlcjpwdw=="}])
def test_no_key_is_401_not_authenticated(rest, headers):
    response = rest("GET", "orders/", key=None, headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("key", ["wrong", "", "x" * 5000])
def test_a_wrong_key_is_401_invalid_api_key(rest, key):
    response = rest("GET", "balance/", key=key)
    assert response.status_code == 401
    assert error_of(response) == {"code": "invalid_api_key", "message": "Invalid API key"}


def test_a_revoked_key_is_refused(rest, reseller):
    api_key_revoke(customer=reseller.customer)
    assert error_of(rest("GET", "balance/"))["code"] == "invalid_api_key"


def test_bad_keys_block_their_address_even_for_a_good_key(rest, settings):
    settings.API_INVALID_KEY_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        assert rest("GET", "balance/", key="guess").status_code == 401
    response = rest("GET", "balance/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert error_of(response)["code"] == "throttled"


def test_rest_and_api_v2_calls_of_a_key_share_one_limit(rest, reseller, client, settings, limits_clock):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    assert client.post("/api/v2", {"key": reseller.key, "action": "balance"}).json()["balance"]
    assert rest("GET", "balance/").status_code == 200
    assert rest("GET", "orders/").status_code == 200
    response = rest("GET", "services/")
    assert response.status_code == 429
    assert response["Retry-After"] == "61"  # the first call, at the same instant, is past a minute old then
    assert error_of(response)["code"] == "throttled"
    assert client.post("/api/v2", {"key": reseller.key, "action": "balance"}).json() == {
        "error": "Too many requests"
    }


def test_no_log_line_has_the_key(rest, reseller, default_service, caplog):
    caplog.set_level(logging.DEBUG)
    key = reseller.key
    rest("GET", "services/")
    rest("POST", "orders/", {"service": default_service.pk, "link": "nope", "quantity": 100})
    rest("GET", "balance/", key=key + "0")
    rest("GET", "balance/", key=None, headers={"X-API-Key": key[:-1]})
    assert "invalid API key" in caplog.text
    for secret in (key, key[8:], key[:-1]):
        assert secret not in caplog.text
