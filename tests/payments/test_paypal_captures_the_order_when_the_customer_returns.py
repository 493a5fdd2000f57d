"""PayPal: the customer approves the order at PayPal; their return makes the panel capture it
server-side, and what PayPal answers to the capture (COMPLETED, amount, currency) is what counts.
The return's query is never read, a second return only looks the order up, and one OAuth token
serves every call until it expires."""

from decimal import Decimal

import pytest

from payments.gateways.base import EventKind
from payments.gateways.paypal import PayPalGateway
from tests.payments.standins.fixtures import URLS


@pytest.fixture
def order(paypal_standin, standin_payment):
    payment = standin_payment(amount="12.50000")
    payment.gateway_payment_id = (
        PayPalGateway().checkout_create(payment=payment, notify_url="", **URLS).gateway_payment_id
    )
    return payment


def test_the_order_asks_for_the_payment_with_our_id_and_sends_the_customer_to_approve(paypal_standin, order):
    unit = paypal_standin.orders[order.gateway_payment_id]["purchase_units"][0]
    assert unit["custom_id"] == str(order.pk)
    assert unit["amount"] == {"currency_code": "USD", "value": "12.50"}
    assert paypal_standin.orders[order.gateway_payment_id]["intent"] == "CAPTURE"


def test_a_return_before_approval_captures_nothing(paypal_standin, order):
    # A forged return: the query says approved, PayPal says otherwise.
    events = PayPalGateway().return_confirm(
        payment=order, query={"token": order.gateway_payment_id, "PayerID": "X"}
    )
    assert events == []
    assert paypal_standin.orders[order.gateway_payment_id]["status"] == "PAYER_ACTION_REQUIRED"


def test_the_return_after_approval_captures_and_confirms_what_paypal_captured(paypal_standin, order):
    paypal_standin.approve(order.gateway_payment_id)
    [event] = PayPalGateway().return_confirm(payment=order, query={})
    assert (event.kind, event.amount, event.currency) == (EventKind.PAID, Decimal("12.50"), "USD")
    assert (event.gateway_payment_id, event.panel_payment_id) == (order.gateway_payment_id, order.pk)
    assert paypal_standin.orders[order.gateway_payment_id]["status"] == "COMPLETED"


def test_a_capture_of_another_amount_is_reported_as_captured_not_as_asked(paypal_standin, order):
    paypal_standin.capture_amount[order.gateway_payment_id] = Decimal("1.00")
    paypal_standin.approve(order.gateway_payment_id)
    [event] = PayPalGateway().return_confirm(payment=order, query={})
    assert event.amount == Decimal("1.00")  # the services compare it with the payment's and refuse it


def test_a_second_return_looks_the_captured_order_up_and_says_the_same(paypal_standin, order):
    paypal_standin.approve(order.gateway_payment_id)
    [first] = PayPalGateway().return_confirm(payment=order, query={})
    [second] = PayPalGateway().return_confirm(payment=order, query={})
    assert second.event_id == first.event_id and second.amount == first.amount
    assert len(paypal_standin.captures) == 1


def test_a_check_of_an_approved_but_abandoned_order_captures_it(paypal_standin, order):
    paypal_standin.approve(order.gateway_payment_id)
    [event] = PayPalGateway().payment_fetch(payment=order)
    assert event.kind == EventKind.PAID


def test_one_token_serves_every_call(paypal_standin, order):
    paypal_standin.approve(order.gateway_payment_id)
    PayPalGateway().return_confirm(payment=order, query={})
    PayPalGateway().payment_fetch(payment=order)
    assert paypal_standin.calls["POST /v1/oauth2/token"] == 1


def test_a_revoked_token_is_replaced_once(paypal_standin, order):
    paypal_standin.tokens.clear()  # PayPal forgot it before its announced expiry
    PayPalGateway().payment_fetch(payment=order)
    assert paypal_standin.calls["POST /v1/oauth2/token"] == 2
