"""Fixtures of the payments suites."""

# --- The real gateways' stand-ins and their fixtures (tests/payments/standins/fixtures.py) ---
from tests.payments.standins.fixtures import *  # noqa: F403
