"""Behind the TLS proxy (TRUSTED_PROXY_COUNT=1) a bad key counts against the client's address from
X-Forwarded-For, not the proxy's: one client guessing keys does not refuse the others, in API v2 and
the REST API alike. Without a trusted proxy a client's own X-Forwarded-For is not read."""

import os
import subprocess
import sys

import pytest

PROXY = {"REMOTE_ADDR": "10.0.0.2"}


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def _v2(client, key: str, address: str):
    return client.post("/api/v2", {"key": key, "action": "balance"}, HTTP_X_FORWARDED_FOR=address, **PROXY)


def _rest(client, key: str, address: str):
    return client.get(
        "/api/rest/balance/", HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_X_FORWARDED_FOR=address, **PROXY
    )


def test_a_guessing_client_does_not_refuse_a_right_key_from_another(client, reseller, behind_one_proxy):
    for n in range(40):
        _v2(client, f"guess{n}", "198.51.100.1")
        _rest(client, f"guess{n}", "198.51.100.1")
    assert _v2(client, reseller.key, "198.51.100.1").json() == {"error": "Too many requests"}
    assert _rest(client, reseller.key, "198.51.100.1").status_code == 429

    assert "balance" in _v2(client, reseller.key, "198.51.100.2").json()
    assert _rest(client, reseller.key, "198.51.100.2").status_code == 200


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_not_read(client, reseller, settings):
    settings.API_INVALID_KEY_LIMIT_PER_MINUTE = 3
    for n in range(3):
        _v2(client, "guess", f"198.51.100.{n + 1}")

    assert _v2(client, reseller.key, "198.51.100.99").json() == {"error": "Too many requests"}


def test_the_one_setting_reaches_allauth():
    environment = {**os.environ, "TRUSTED_PROXY_COUNT": "1"}
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "from panel import settings as s; print(s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT)",
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert read.stdout.split() == ["1", "1"]
