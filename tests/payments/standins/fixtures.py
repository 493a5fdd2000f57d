"""Fixtures of the real gateways' stand-ins (a pytest plugin: tests/payments/conftest.py loads it).

`stripe_standin`, `paypal_standin`, `nowpayments_standin`: the stand-in running on loopback, and the
panel's settings pointing the gateway module at it with the stand-in's secrets (PayPal's
certificate origin allowed). `standin_payment`: what the gateway modules read of a Payment, for the
tests of a module alone (the end-to-end tests use real payments).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from payments.gateways import paypal as paypal_module
from payments.gateways import paypal_signature
from tests.payments.standins.nowpayments_api import NowPaymentsStandIn
from tests.payments.standins.paypal_api import PayPalStandIn
from tests.payments.standins.stripe_api import StripeStandIn


@pytest.fixture
def stripe_standin(settings) -> Iterator[StripeStandIn]:
    with StripeStandIn() as standin:
        settings.STRIPE_SECRET_KEY = standin.api_key
        settings.STRIPE_WEBHOOK_SECRET = standin.webhook_secret
        settings.STRIPE_API_BASE = standin.url
        yield standin


@pytest.fixture
def paypal_standin(settings) -> Iterator[PayPalStandIn]:
    # Each stand-in has its own key, certificate and tokens: nothing cached from another test.
    paypal_module._tokens.clear()
    paypal_signature._certificates.clear()
    with PayPalStandIn() as standin:
        settings.PAYPAL_CLIENT_ID = standin.client_id
        settings.PAYPAL_CLIENT_SECRET = standin.client_secret
        settings.PAYPAL_WEBHOOK_ID = standin.webhook_id
        settings.PAYPAL_API_BASE = standin.url
        settings.PAYPAL_CERT_ORIGINS = [*settings.PAYPAL_CERT_ORIGINS, standin.url]
        yield standin
    paypal_module._tokens.clear()
    paypal_signature._certificates.clear()


@pytest.fixture
def nowpayments_standin(settings) -> Iterator[NowPaymentsStandIn]:
    with NowPaymentsStandIn() as standin:
        settings.NOWPAYMENTS_API_KEY = standin.api_key
        settings.NOWPAYMENTS_IPN_SECRET = standin.ipn_secret
        settings.NOWPAYMENTS_API_BASE = standin.url
        yield standin


@dataclass
class StandinPayment:
    """The fields of a Payment a gateway module reads (and `events`, none recorded)."""

    pk: int
    pay_amount: Decimal
    pay_currency: str
    gateway_payment_id: str = ""
    events: None = None


@pytest.fixture
def standin_payment():
    def make(amount: str = "12.50000", currency: str = "USD", pk: int = 41) -> StandinPayment:
        return StandinPayment(pk=pk, pay_amount=Decimal(amount), pay_currency=currency)

    return make


URLS = {"success_url": "https://panel.test/ok", "cancel_url": "https://panel.test/no"}
