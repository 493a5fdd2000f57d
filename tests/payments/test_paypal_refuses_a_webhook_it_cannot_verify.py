"""PayPal's webhooks are verified as PayPal documents it: RSA-SHA256 over the transmission id, time,
our webhook id and the body's CRC32, with the certificate the webhook names, fetched only from an
allowed origin (PayPal's hosts; here also the stand-in's) and cached."""

import pytest

from payments.gateways.base import EventKind, SignatureInvalid
from payments.gateways.paypal import PayPalGateway
from payments.gateways.paypal_signature import cert_url_allowed
from tests.payments.standins.fixtures import URLS
from tests.payments.standins.paypal_api import PayPalStandIn, signing_key


@pytest.fixture
def captured(paypal_standin, standin_payment):
    payment = standin_payment()
    order_id = PayPalGateway().checkout_create(payment=payment, notify_url="", **URLS).gateway_payment_id
    return paypal_standin.pay(order_id)


def test_a_webhook_signed_by_paypal_is_believed_and_its_certificate_fetched_once(paypal_standin, captured):
    for _ in range(3):
        [event] = PayPalGateway().webhook_verify(body=captured.body, headers=captured.headers)
        assert event.kind == EventKind.PAID
    assert (
        paypal_standin.calls[f"GET /v1/notifications/certs/{paypal_standin.cert_url.rsplit('/', 1)[1]}"] == 1
    )


def test_a_certificate_on_a_host_not_allowed_is_refused_without_fetching_it(paypal_standin, captured):
    with PayPalStandIn() as forger:  # its own key, and a certificate it serves for that key
        forged = forger.signed(captured.body, webhook_id=paypal_standin.webhook_id)
        with pytest.raises(SignatureInvalid, match="outside PayPal's hosts"):
            PayPalGateway().webhook_verify(body=forged.body, headers=forged.headers)
        assert sum(n for call, n in forger.calls.items() if "/certs/" in call) == 0


def test_another_key_naming_paypals_certificate_is_refused(paypal_standin, captured):
    other_key, _ = signing_key()
    forged = paypal_standin.signed(captured.body, key=other_key)
    with pytest.raises(SignatureInvalid, match="does not verify"):
        PayPalGateway().webhook_verify(body=forged.body, headers=forged.headers)


def test_a_webhook_signed_for_another_webhook_id_is_refused(paypal_standin, captured):
    other = paypal_standin.signed(captured.body, webhook_id="WH0SOMEONEELSE")
    with pytest.raises(SignatureInvalid):
        PayPalGateway().webhook_verify(body=other.body, headers=other.headers)


def test_a_body_changed_after_signing_is_refused(captured):
    body = captured.body.replace(b'"value":"12.50"', b'"value":"1250.00"')
    assert body != captured.body
    with pytest.raises(SignatureInvalid):
        PayPalGateway().webhook_verify(body=body, headers=captured.headers)


@pytest.mark.parametrize(
    "header", ["PAYPAL-TRANSMISSION-SIG", "PAYPAL-TRANSMISSION-ID", "PAYPAL-CERT-URL", "PAYPAL-AUTH-ALGO"]
)
def test_a_webhook_without_one_of_its_headers_is_refused(captured, header):
    headers = {k: v for k, v in captured.headers.items() if k != header}
    with pytest.raises(SignatureInvalid):
        PayPalGateway().webhook_verify(body=captured.body, headers=headers)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://api.paypal.com/v1/notifications/certs/CERT-1", True),
        ("https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-1", True),
        ("http://api.paypal.com/v1/notifications/certs/CERT-1", False),
        ("https://api.paypal.com.evil.test/v1/notifications/certs/CERT-1", False),
        ("https://evil.test/v1/notifications/certs/CERT-1", False),
        ("https://api.paypal.com@evil.test/v1/notifications/certs/CERT-1", False),
        ("https://api.paypal.com:8443/v1/notifications/certs/CERT-1", False),
        ("https://api.paypal.com/v1/other/CERT-1", False),
        ("https://api.paypal.com/v1/notifications/certs/../../x", False),
    ],
)
def test_only_paypals_certificate_urls_are_allowed_by_default(url, allowed):
    assert cert_url_allowed(url) is allowed
