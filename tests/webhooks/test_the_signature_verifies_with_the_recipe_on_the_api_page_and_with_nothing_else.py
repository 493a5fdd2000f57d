"""The manual verification recipe the API page shows (for a language without a Standard Webhooks
library) accepts what we send, signed with the endpoint's secret, and refuses another secret, a
changed body or id, an old timestamp and a rotated-out secret."""

import html
import re
import time
from typing import Any

import pytest

from webhooks.services import webhook_deliveries_send, webhook_endpoint_rotate_secret, webhook_test_send
from webhooks.signing import VERIFY_RECIPE, secret_generate


@pytest.fixture
def page_verify(client, make_customer):
    """verify() as the customer copies it from the API page."""
    customer = make_customer()
    client.force_login(customer)
    page = client.get("/account/api/").content.decode()
    recipe = html.unescape(re.search(r'<code id="webhook-recipe">(.*?)</code>', page, re.S).group(1))
    assert recipe == VERIFY_RECIPE
    namespace: dict[str, Any] = {}
    exec(recipe, namespace)  # noqa: S102 (our own page)
    return customer, namespace["verify"]


def test_the_recipe_accepts_our_signature_and_refuses_anything_else(page_verify, receiver, make_endpoint):
    customer, verify = page_verify
    endpoint = make_endpoint(customer, receiver)
    webhook_test_send(endpoint=endpoint)
    webhook_deliveries_send()
    (received,) = receiver.wait_for(1)
    headers, body = received.headers, received.body

    assert headers["Webhook-Signature"].startswith("v1,")
    assert abs(int(headers["Webhook-Timestamp"]) - time.time()) < 60
    assert verify(endpoint.secret, headers, body)
    assert not verify(secret_generate(), headers, body)
    assert not verify(endpoint.secret, {**headers, "Webhook-Id": "another-id"}, body)
    assert not verify(endpoint.secret, headers, body.replace(b"A test event", b"A fake event"))
    old = {**headers, "Webhook-Timestamp": str(int(headers["Webhook-Timestamp"]) - 3600)}
    assert not verify(endpoint.secret, old, body)

    old_secret = endpoint.secret
    webhook_endpoint_rotate_secret(endpoint=endpoint)
    webhook_test_send(endpoint=endpoint)
    webhook_deliveries_send()
    rotated = receiver.wait_for(2)[1]
    assert verify(endpoint.secret, rotated.headers, rotated.body)
    assert not verify(old_secret, rotated.headers, rotated.body)
