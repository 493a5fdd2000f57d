"""A correctly signed webhook whose JSON is not of the shape the gateway documents (a list, a
field missing or of another type) is refused with a GatewayError, never another exception (which
the webhook view would turn into a 500 and the gateway retry for days)."""

import json

import pytest

from payments.gateways.base import GatewayError
from payments.gateways.nowpayments import NowPaymentsGateway
from payments.gateways.paypal import PayPalGateway
from payments.gateways.stripe import StripeGateway

STRIPE_BODIES = [
    [],
    7,
    {"id": "evt_1"},
    {"id": "evt_1", "type": "checkout.session.completed", "data": []},
    {"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {"payment_status": "paid"}}},
    {
        "id": "evt_1",
        "type": "checkout.session.completed",
        "data": {"object": {"payment_status": "paid", "amount_total": "12"}},
    },
    {"id": "evt_1", "type": "charge.refunded", "data": {"object": {"payment_intent": 5}}},
]
PAYPAL_BODIES = [
    [],
    {"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED"},
    {"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {"amount": "12.50"}},
    {"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {"amount": {"value": "x"}}},
    {"id": "WH-1", "event_type": "CUSTOMER.DISPUTE.CREATED", "resource": {"disputed_transactions": [1]}},
    {"id": "WH-1", "event_type": "PAYMENT.CAPTURE.REFUNDED", "resource": {"links": "up"}},
]
NOWPAYMENTS_BODIES = [
    {"payment_status": "finished", "order_id": "41"},
    {"payment_status": "finished", "price_amount": "NaN", "price_currency": "usd"},
    {"payment_status": "finished", "price_amount": True, "price_currency": "usd"},
]


@pytest.mark.parametrize("body", STRIPE_BODIES)
def test_stripe(stripe_standin, body):
    signed = stripe_standin.signed(json.dumps(body).encode())
    with pytest.raises(GatewayError):
        StripeGateway().webhook_verify(body=signed.body, headers=signed.headers)


@pytest.mark.parametrize("body", PAYPAL_BODIES)
def test_paypal(paypal_standin, body):
    signed = paypal_standin.signed(json.dumps(body).encode())
    with pytest.raises(GatewayError):
        PayPalGateway().webhook_verify(body=signed.body, headers=signed.headers)


@pytest.mark.parametrize("body", [*NOWPAYMENTS_BODIES, []])
def test_nowpayments(nowpayments_standin, body):
    signed = nowpayments_standin.signed(body) if isinstance(body, dict) else None
    raw, headers = (signed.body, signed.headers) if signed else (b"[]", {"x-nowpayments-sig": "00"})
    with pytest.raises(GatewayError):
        NowPaymentsGateway().webhook_verify(body=raw, headers=headers)
