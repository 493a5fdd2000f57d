"""Fixtures of the fraud controls' suites: rules made as the admin makes them, and the API v2 and
REST callers and the test gateway of the suites that already have them."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from payments.testgateway_server import TestGatewayServer
from tests.reseller_apis import _fresh_limits  # noqa: F401

TEST_GATEWAY_SECRET = "test-gateway-secret-of-the-fraud-tests"


@pytest.fixture
def test_gateway(settings):
    """The test gateway's server on loopback, the panel pointed at it (as tests/payments has it)."""
    with TestGatewayServer(TEST_GATEWAY_SECRET) as server:
        settings.PAYMENTS_TEST_GATEWAY = True
        settings.PAYMENTS_TEST_GATEWAY_URL = server.url
        settings.PAYMENTS_TEST_GATEWAY_SECRET = TEST_GATEWAY_SECRET
        yield server


@pytest.fixture
def start_payment(test_gateway, live_server):
    """start_payment(customer, amount="25.00", ip=None): payment_create at the test gateway."""
    from payments.services import payment_create

    def start(customer, amount: str = "25.00", ip: str | None = None):
        return payment_create(
            customer=customer,
            gateway_code="test",
            amount=Decimal(amount),
            success_url=f"{live_server.url}/payments/{{payment}}/back/",
            cancel_url=f"{live_server.url}/payments/{{payment}}/canceled/",
            notify_url=f"{live_server.url}/payments/test/webhook/",
            ip=ip,
        )

    return start


@pytest.fixture
def block(db):
    """block(kind, value, reason="test"): a rule on the blocklist, made by block_rule_create."""
    from fraud.services import block_rule_create

    def make(kind: str, value: str, reason: str = "test"):
        return block_rule_create(kind=kind, value=value, reason=reason, created_by=None)

    return make


@pytest.fixture
def api_v2(client):
    """api_v2(params, ip="127.0.0.1"): one API v2 call (a POST form) from `ip`; its JSON answer."""

    def call(params: dict, ip: str = "127.0.0.1"):
        response = client.post("/api/v2", params, REMOTE_ADDR=ip)
        assert response.status_code == 200
        return response.json()

    return call


@pytest.fixture
def rest_call(client):
    """rest_call(key, path, body=None, ip="127.0.0.1"): one REST call; (status, its JSON)."""

    def call(key: str, path: str, body: dict | None = None, ip: str = "127.0.0.1"):
        headers = {"Authorization": f"Bearer {key}"}
        url = f"/api/rest/{path}"
        if body is None:
            response = client.get(url, headers=headers, REMOTE_ADDR=ip)
        else:
            response = client.post(
                url, json.dumps(body), content_type="application/json", headers=headers, REMOTE_ADDR=ip
            )
        return response.status_code, response.json()

    return call
