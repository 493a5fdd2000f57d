"""Stripe's webhooks are believed only after the stripe library's own check: the HMAC of the
endpoint's secret over the signed timestamp and body, the timestamp within five minutes."""

import time

import pytest

from payments.gateways.base import EventKind, SignatureInvalid
from payments.gateways.stripe import StripeGateway
from tests.payments.standins.fixtures import URLS


@pytest.fixture
def completed(stripe_standin, standin_payment):
    payment = standin_payment()
    checkout = StripeGateway().checkout_create(payment=payment, notify_url="", **URLS)
    return stripe_standin.complete(checkout.gateway_payment_id)


def test_a_freshly_signed_completion_is_believed(completed):
    events = StripeGateway().webhook_verify(body=completed.body, headers=completed.headers)
    assert [e.kind for e in events] == [EventKind.PAID]


def test_a_signature_older_than_the_tolerance_is_refused(stripe_standin, completed):
    stale = stripe_standin.signed(completed.body, timestamp=int(time.time()) - 301)
    with pytest.raises(SignatureInvalid):
        StripeGateway().webhook_verify(body=stale.body, headers=stale.headers)


def test_a_signature_with_another_secret_is_refused(stripe_standin, completed):
    forged = stripe_standin.signed(completed.body, secret="whsec_someone_else")
    with pytest.raises(SignatureInvalid):
        StripeGateway().webhook_verify(body=forged.body, headers=forged.headers)


def test_a_body_changed_after_signing_is_refused(completed):
    body = completed.body.replace(b'"amount_total":1250', b'"amount_total":125000')
    assert body != completed.body
    with pytest.raises(SignatureInvalid):
        StripeGateway().webhook_verify(body=body, headers=completed.headers)


@pytest.mark.parametrize("header", [None, "", "t=abc,v1=00", "v1=00", "garbage"])
def test_an_unsigned_or_malformed_signature_header_is_refused(completed, header):
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Stripe-Signature"] = header
    with pytest.raises(SignatureInvalid):
        StripeGateway().webhook_verify(body=completed.body, headers=headers)


def test_a_signed_body_that_is_not_json_is_refused(stripe_standin):
    signed = stripe_standin.signed(b"\xff\xfenot json")
    with pytest.raises(SignatureInvalid):
        StripeGateway().webhook_verify(body=signed.body, headers=signed.headers)
