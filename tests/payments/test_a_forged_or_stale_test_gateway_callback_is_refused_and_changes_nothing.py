"""A callback the test gateway did not sign now, with the shared secret, is a 400 and changes nothing."""

from __future__ import annotations

import json
import time

import pytest
import requests

from billing.models import Balance
from payments.gateways.testgateway import TOLERANCE
from payments.models import PaymentEvent, PaymentState
from payments.testgateway_server import SIGNATURE_HEADER, sign
from tests.payments.conftest import TEST_GATEWAY_SECRET

pytestmark = pytest.mark.django_db(transaction=True)


def _paid_event(payment) -> bytes:
    event = {
        "id": "evt_forged",
        "type": "payment.paid",
        "created": int(time.time()),
        "payment_id": payment.gateway_payment_id,
        "reference": str(payment.pk),
        "amount": "25.00",
        "currency": "USD",
        "dispute_id": "",
    }
    return json.dumps(event).encode()


def test_a_forged_stale_altered_or_unsigned_callback_is_refused(
    test_gateway, test_gateway_payment, make_customer, live_server
):
    customer = make_customer(funds=0)
    payment = test_gateway_payment(customer, "25.00")
    body = _paid_event(payment)
    now = int(time.time())
    attempts = {
        "another secret": (body, sign("not-the-secret", body)),
        # A minute past the tolerance either way: the requests before them take time on a loaded machine.
        "stale": (body, sign(TEST_GATEWAY_SECRET, body, now - TOLERANCE - 60)),
        "from the future": (body, sign(TEST_GATEWAY_SECRET, body, now + TOLERANCE + 60)),
        "altered body": (body.replace(b"25.00", b"2500.00"), sign(TEST_GATEWAY_SECRET, body)),
        "no signature": (body, ""),
        "a timestamp only": (body, f"t={now}"),
    }
    url = f"{live_server.url}/payments/test/webhook/"
    for name, (sent, signature) in attempts.items():
        headers = {"Content-Type": "application/json"}
        if signature:
            headers[SIGNATURE_HEADER] = signature
        answer = requests.post(url, data=sent, headers=headers, timeout=10)
        assert answer.status_code == 400, name

    payment.refresh_from_db()
    assert payment.state == PaymentState.CREATED
    assert not Balance.objects.filter(customer=customer, amount__gt=0).exists()
    assert PaymentEvent.objects.count() == 0

    # The same callback, signed now with the secret, is believed.
    signed = requests.post(
        url, data=body, headers={SIGNATURE_HEADER: sign(TEST_GATEWAY_SECRET, body)}, timeout=10
    )
    assert signed.status_code == 200
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
