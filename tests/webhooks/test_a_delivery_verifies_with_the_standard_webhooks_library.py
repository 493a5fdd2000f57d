"""A real delivery verifies with the official Standard Webhooks verifier (`standardwebhooks`, what a
receiver reaches for), which refuses it under another secret, with its body, id or timestamp changed,
and once its secret is rotated."""

import json

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from webhooks.services import webhook_deliveries_send, webhook_endpoint_rotate_secret, webhook_test_send
from webhooks.signing import secret_generate


@pytest.fixture
def delivered(receiver, make_endpoint, make_customer):
    endpoint = make_endpoint(make_customer(), receiver)
    webhook_test_send(endpoint=endpoint)
    webhook_deliveries_send()
    (received,) = receiver.wait_for(1)
    return endpoint, received


def test_the_library_verifies_a_delivery_and_returns_its_payload(delivered):
    endpoint, received = delivered
    assert received.headers["Webhook-Signature"].startswith("v1,")
    payload = Webhook(endpoint.secret).verify(received.body, received.headers)
    assert payload == json.loads(received.body)
    assert payload["id"] == received.headers["Webhook-Id"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda headers, body: (headers, body.replace(b"test", b"fake")), id="body"),
        pytest.param(lambda headers, body: ({**headers, "Webhook-Id": "msg_other"}, body), id="id"),
        pytest.param(
            lambda headers, body: (
                {**headers, "Webhook-Timestamp": str(int(headers["Webhook-Timestamp"]) - 3600)},
                body,
            ),
            id="old timestamp",
        ),
    ],
)
def test_the_library_refuses_a_changed_delivery(delivered, change):
    endpoint, received = delivered
    headers, body = change(received.headers, received.body)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(body, headers)


def test_the_library_refuses_another_secret_and_a_rotated_out_one(delivered, receiver):
    endpoint, received = delivered
    with pytest.raises(WebhookVerificationError):
        Webhook(secret_generate()).verify(received.body, received.headers)

    old_secret = endpoint.secret
    webhook_endpoint_rotate_secret(endpoint=endpoint)
    webhook_test_send(endpoint=endpoint)
    webhook_deliveries_send()
    rotated = receiver.wait_for(2)[1]
    Webhook(endpoint.secret).verify(rotated.body, rotated.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(rotated.body, rotated.headers)
