"""The test gateway is on by default with DEBUG=true and no real gateway's secrets, and off otherwise;
`make run` (runpanel) starts its server and hands its address to the web and worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

from panel.management.commands.runpanel import Command

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "-production-secret-for-the-deploy-check-0123456789"
NO_GATEWAYS = {
    "STRIPE_SECRET_KEY": "",
    "PAYPAL_CLIENT_ID": "",
    "NOWPAYMENTS_API_KEY": "",
    "PAYMENTS_TEST_GATEWAY": "",
    "PAYMENTS_TEST_GATEWAY_SECRET": "",
}
READ = "import panel.settings as s; print(s.PAYMENTS_TEST_GATEWAY, bool(s.PAYMENTS_TEST_GATEWAY_SECRET))"


def _settings(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"PANEL_TESTING", "SECRET_KEY"}}
    environment.update({"DATABASE_URL": "postgres://u@127.0.0.1:5432/x", **NO_GATEWAYS, **env})
    return subprocess.run(
        [sys.executable, "-c", READ], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_development_with_no_gateway_secrets_offers_the_test_gateway():
    assert _settings(DEBUG="true").stdout.split() == ["True", "True"]


def test_a_real_gateway_configured_turns_the_default_off():
    assert _settings(DEBUG="true", STRIPE_SECRET_KEY="sk_test_1").stdout.split() == ["False", "True"]


def test_production_leaves_it_off_and_refuses_it_on_without_a_secret():
    production = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "panel.example.com"}
    assert _settings(**production).stdout.split() == ["False", "False"]
    refused = _settings(**production, PAYMENTS_TEST_GATEWAY="true")
    assert refused.returncode != 0
    assert "PAYMENTS_TEST_GATEWAY_SECRET must be set" in refused.stderr


def test_runpanel_starts_the_gateway_server_and_passes_its_address_on(settings):
    settings.PAYMENTS_TEST_GATEWAY = True
    settings.PAYMENTS_TEST_GATEWAY_URL = ""
    settings.PAYMENTS_TEST_GATEWAY_SECRET = "dev-secret"
    command = Command()
    extra = command._test_gateway()
    try:
        assert extra["PAYMENTS_TEST_GATEWAY"] == "true"
        assert extra["PAYMENTS_TEST_GATEWAY_SECRET"] == "dev-secret"
        assert extra["PAYMENTS_TEST_GATEWAY_URL"] == command.test_gateway.url
        index = requests.get(f"{extra['PAYMENTS_TEST_GATEWAY_URL']}/", timeout=10)
        assert index.status_code == 200 and "Test gateway" in index.text
    finally:
        command.test_gateway.stop()


def test_runpanel_starts_no_server_when_the_gateway_is_off_or_named(settings):
    settings.PAYMENTS_TEST_GATEWAY = False
    assert Command()._test_gateway() == {}
    settings.PAYMENTS_TEST_GATEWAY = True
    settings.PAYMENTS_TEST_GATEWAY_URL = "http://127.0.0.1:8010"
    assert Command()._test_gateway() == {}
