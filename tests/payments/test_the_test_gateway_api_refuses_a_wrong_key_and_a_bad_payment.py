"""The test gateway's API answers only its secret, and refuses a payment it could not collect."""

from __future__ import annotations

import requests

from payments.testgateway_server import TestGatewayServer

GOOD = {
    "amount": "5.00",
    "currency": "USD",
    "reference": "1",
    "success_url": "https://panel.test/ok",
    "cancel_url": "https://panel.test/no",
    "notify_url": "https://panel.test/hook",
}


def test_a_wrong_or_missing_key_is_a_401_and_a_bad_payment_a_400():
    with TestGatewayServer("s3cret") as server:
        url = f"{server.url}/v1/payments"
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "s3cret"}):
            assert requests.post(url, json=GOOD, headers=headers, timeout=10).status_code == 401
        key = {"Authorization": "Bearer s3cret"}
        for bad in ({"amount": "5.001"}, {"amount": "-1"}, {"currency": "US"}, {"notify_url": "ftp://x"}):
            answer = requests.post(url, json={**GOOD, **bad}, headers=key, timeout=10)
            assert answer.status_code == 400, bad
        assert server.payments == {}
        assert requests.get(f"{url}/tp_nothing", headers=key, timeout=10).status_code == 404
