"""NOWPayments signs its IPN with HMAC-SHA512 over the JSON with keys sorted (at every level), not
over the body as sent: the panel rebuilds that text, numbers written as they arrived, and believes
nothing else."""

import json
from decimal import Decimal

import pytest

from payments.gateways.base import EventKind, SignatureInvalid
from payments.gateways.nowpayments import NowPaymentsGateway, _payload, canonical
from tests.payments.standins.fixtures import URLS


@pytest.fixture
def invoice(nowpayments_standin, standin_payment):
    payment = standin_payment(amount="12.50000")
    checkout = NowPaymentsGateway().checkout_create(
        payment=payment, notify_url="https://panel.test/ipn", **URLS
    )
    payment.gateway_payment_id = checkout.gateway_payment_id
    return payment


def test_the_invoice_asks_for_the_payment_with_our_order_id(nowpayments_standin, invoice):
    created = nowpayments_standin.invoices[invoice.gateway_payment_id]
    assert (created["order_id"], created["price_amount"], created["price_currency"]) == (
        str(invoice.pk),
        "12.50000",
        "usd",
    )
    assert created["ipn_callback_url"] == "https://panel.test/ipn"


def test_an_ipn_sent_with_unsorted_keys_verifies(nowpayments_standin, invoice):
    ipn = nowpayments_standin.pay(invoice.gateway_payment_id)
    sent_keys = list(json.loads(ipn.body))
    assert sent_keys != sorted(sent_keys)  # the body is not the signed text
    [event] = NowPaymentsGateway().webhook_verify(body=ipn.body, headers=ipn.headers)
    assert (event.kind, event.amount, event.currency) == (EventKind.PAID, Decimal("12.5"), "USD")
    assert (event.gateway_payment_id, event.panel_payment_id) == (invoice.gateway_payment_id, invoice.pk)


def test_a_signature_over_the_body_as_sent_is_refused(nowpayments_standin, invoice):
    import hashlib
    import hmac

    ipn = nowpayments_standin.pay(invoice.gateway_payment_id)
    naive = hmac.new(nowpayments_standin.ipn_secret.encode(), ipn.body, hashlib.sha512).hexdigest()
    with pytest.raises(SignatureInvalid):
        NowPaymentsGateway().webhook_verify(body=ipn.body, headers={"x-nowpayments-sig": naive})


def test_a_number_is_signed_as_it_was_written(nowpayments_standin, invoice):
    ipn = nowpayments_standin.pay(invoice.gateway_payment_id)
    assert b'"serviceFee":8.1e-7' in ipn.body  # JavaScript's writing, kept by the rebuilt text
    NowPaymentsGateway().webhook_verify(body=ipn.body, headers=ipn.headers)
    body = '{"b":1.50,"a":{"d":8.1e-7,"c":"é"},"e":[2.0,1]}'.encode()
    assert canonical(_payload(body)) == '{"a":{"c":"é","d":8.1e-7},"b":1.50,"e":[2.0,1]}'


@pytest.mark.parametrize("change", [b'"finished"', b'"order_id":"41"'])
def test_a_body_changed_after_signing_is_refused(nowpayments_standin, invoice, change):
    ipn = nowpayments_standin.pay(invoice.gateway_payment_id)
    body = ipn.body.replace(change, change.replace(b"finished", b"confirmed").replace(b"41", b"42"))
    assert body != ipn.body
    with pytest.raises(SignatureInvalid):
        NowPaymentsGateway().webhook_verify(body=body, headers=ipn.headers)


def test_an_ipn_signed_with_another_secret_or_unsigned_is_refused(nowpayments_standin, invoice):
    ipn = nowpayments_standin.pay(invoice.gateway_payment_id)
    forged = nowpayments_standin.signed(json.loads(ipn.body, parse_float=Decimal), secret="not-the-secret")
    for headers in (forged.headers, {"Content-Type": "application/json"}):
        with pytest.raises(SignatureInvalid):
            NowPaymentsGateway().webhook_verify(body=ipn.body, headers=headers)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("waiting", EventKind.PENDING),
        ("confirming", EventKind.PENDING),
        ("confirmed", EventKind.PENDING),
        ("sending", EventKind.PENDING),
        ("partially_paid", EventKind.PENDING),
        ("finished", EventKind.PAID),
        ("failed", EventKind.FAILED),
        ("expired", EventKind.FAILED),
        ("refunded", EventKind.REFUNDED),
    ],
)
def test_each_status_means_what_the_panel_does_with_it(nowpayments_standin, invoice, status, kind):
    ipn = nowpayments_standin.pay(invoice.gateway_payment_id, status, actually_paid=Decimal("0.0001"))
    [event] = NowPaymentsGateway().webhook_verify(body=ipn.body, headers=ipn.headers)
    assert event.kind == kind
    assert (event.amount is None) == (kind not in {EventKind.PAID, EventKind.REFUNDED})


def test_the_customers_return_asks_nowpayments_about_the_payment_it_names(
    nowpayments_standin, invoice, standin_payment
):
    ipn = nowpayments_standin.pay(invoice.gateway_payment_id)
    np_id = str(json.loads(ipn.body)["payment_id"])
    [event] = NowPaymentsGateway().return_confirm(payment=invoice, query={"NP_id": np_id})
    assert event.kind == EventKind.PAID and nowpayments_standin.calls[f"GET /v1/payment/{np_id}"] == 1
    # The same NP_id handed back for another payment of ours is not that payment's.
    other = standin_payment(pk=99)
    other.gateway_payment_id = invoice.gateway_payment_id
    assert NowPaymentsGateway().return_confirm(payment=other, query={"NP_id": np_id}) == []
