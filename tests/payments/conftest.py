"""Fixtures of the payments suites."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from payments.models import Payment
from payments.services import payment_create
from payments.testgateway_server import TestGatewayServer
from tests.payments.gateway_flows import FLOWS, GatewayFlow

# --- The real gateways' stand-ins and their fixtures (tests/payments/standins/fixtures.py) ---
from tests.payments.standins.fixtures import *  # noqa: F403


@pytest.fixture(params=sorted(FLOWS))
def gateway(request, live_server) -> GatewayFlow:
    """Each of nowpayments, paypal and stripe in turn: its stand-in running, the panel pointed at it
    and served by the live server, driven through tests.payments.gateway_flows."""
    standin = request.getfixturevalue(f"{request.param}_standin")
    return FLOWS[request.param](standin, live_server.url)


@pytest.fixture
def bonus_tier():
    """From 20 up, a payment is credited 10 % more."""
    from payments.models import BonusTier

    return BonusTier.objects.create(from_amount=20, percent=10)


# --- The test gateway's server (payments/testgateway_server.py), the panel pointed at it ---

TEST_GATEWAY_SECRET = "test-gateway-secret-of-the-tests"


@pytest.fixture
def test_gateway(settings) -> Iterator[TestGatewayServer]:
    """The test gateway's server on loopback, and the panel's settings turning it on against it."""
    with TestGatewayServer(TEST_GATEWAY_SECRET) as server:
        settings.PAYMENTS_TEST_GATEWAY = True
        settings.PAYMENTS_TEST_GATEWAY_URL = server.url
        settings.PAYMENTS_TEST_GATEWAY_SECRET = TEST_GATEWAY_SECRET
        yield server


@pytest.fixture
def test_gateway_payment(test_gateway, live_server):
    """test_gateway_payment(customer, amount="25.00"): a payment made at the test gateway, its
    callbacks sent to the live server's webhook."""

    def start(customer, amount: str = "25.00") -> Payment:
        return payment_create(
            customer=customer,
            gateway_code="test",
            amount=Decimal(amount),
            success_url=f"{live_server.url}/payments/{{payment}}/back/",
            cancel_url=f"{live_server.url}/payments/{{payment}}/canceled/",
            notify_url=f"{live_server.url}/payments/test/webhook/",
        )

    return start
