"""Fixtures of the payments suites."""

import pytest

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
