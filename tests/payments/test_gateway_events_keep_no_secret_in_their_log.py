"""What a gateway said goes into the payment's event log (`raw`) without its secrets: Stripe's
session carries a client_secret, which the log never holds; amounts are JSON-ready strings."""

import json

from payments.gateways.stripe import StripeGateway
from tests.payments.standins.fixtures import URLS


def test_a_stripe_completion_is_logged_without_the_sessions_client_secret(stripe_standin, standin_payment):
    payment = standin_payment()
    checkout = StripeGateway().checkout_create(payment=payment, notify_url="", **URLS)
    completed = stripe_standin.complete(checkout.gateway_payment_id)
    assert b"client_secret" in completed.body
    [event] = StripeGateway().webhook_verify(body=completed.body, headers=completed.headers)
    logged = json.dumps(event.raw)  # what a JSONField stores; a Decimal would not serialise
    assert "client_secret" not in logged
    assert checkout.gateway_payment_id in logged
