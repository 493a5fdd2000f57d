"""Stripe's amounts are integers in the currency's minor unit: JPY has none, KWD three, USD two.
The session is created for exactly the payment's amount, and an event's integer comes back as the
same Decimal; an amount the currency cannot hold is refused before Stripe is asked."""

from decimal import Decimal

import pytest

from payments.gateways.base import EventKind, GatewayError
from payments.gateways.stripe import StripeGateway
from tests.payments.standins.fixtures import URLS


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("1500", "JPY", 1500), ("12.5", "USD", 1250), ("1.234", "KWD", 1234), ("7", "EUR", 700)],
)
def test_the_session_and_its_completion_carry_the_amount_in_the_currencys_units(
    stripe_standin, standin_payment, amount, currency, minor
):
    payment = standin_payment(amount=amount, currency=currency)
    checkout = StripeGateway().checkout_create(payment=payment, notify_url="", **URLS)
    assert stripe_standin.sessions[checkout.gateway_payment_id]["amount_total"] == minor
    assert stripe_standin.sessions[checkout.gateway_payment_id]["currency"] == currency.lower()

    completed = stripe_standin.complete(checkout.gateway_payment_id)
    [event] = StripeGateway().webhook_verify(body=completed.body, headers=completed.headers)
    assert event.kind == EventKind.PAID
    assert event.amount == Decimal(amount)
    assert isinstance(event.amount, Decimal)
    assert event.currency == currency


def test_a_refund_of_a_zero_decimal_payment_is_read_in_yen(stripe_standin, standin_payment):
    payment = standin_payment(amount="1500", currency="JPY")
    checkout = StripeGateway().checkout_create(payment=payment, notify_url="", **URLS)
    stripe_standin.complete(checkout.gateway_payment_id)
    refunded = stripe_standin.refund(checkout.gateway_payment_id, 400)
    [event] = StripeGateway().webhook_verify(body=refunded.body, headers=refunded.headers)
    assert (event.kind, event.amount, event.currency) == (EventKind.REFUNDED, Decimal(400), "JPY")


@pytest.mark.parametrize(("amount", "currency"), [("10.5", "JPY"), ("12.345", "USD")])
def test_an_amount_with_more_decimals_than_the_currency_is_refused_before_stripe_is_asked(
    stripe_standin, standin_payment, amount, currency
):
    with pytest.raises(GatewayError, match="more decimals"):
        StripeGateway().checkout_create(
            payment=standin_payment(amount=amount, currency=currency), notify_url="", **URLS
        )
    assert stripe_standin.calls["POST /v1/checkout/sessions"] == 0
