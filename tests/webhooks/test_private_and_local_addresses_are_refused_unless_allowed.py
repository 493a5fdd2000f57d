"""Without WEBHOOKS_ALLOW_PRIVATE_HOSTS (production), a URL must be https to a public address: the
panel must not become a way into its own network. Delivery checks the address it connects to,
so a URL that points inward later (or was saved before) gets nothing either."""

import pytest

from webhooks.models import WebhookEndpoint
from webhooks.services import (
    WebhookRefused,
    webhook_deliveries_send,
    webhook_endpoint_create,
    webhook_test_send,
)
from webhooks.signing import secret_generate


@pytest.fixture
def production(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://93.184.215.14/hook", "must use https://"),
        ("ftp://93.184.215.14/hook", "must start with https://"),
        ("https:///hook", "must start with https://"),
        ("https://127.0.0.1/hook", "private or local"),
        ("https://localhost:8443/hook", "private or local"),
        ("https://10.1.2.3/hook", "private or local"),
        ("https://192.168.0.10/hook", "private or local"),
        ("https://169.254.169.254/latest/meta-data", "private or local"),
        ("https://[::1]/hook", "private or local"),
        ("https://[::ffff:127.0.0.1]/hook", "private or local"),
        ("https://100.64.0.1/hook", "private or local"),
    ],
)
def test_a_url_that_is_not_https_to_a_public_address_is_refused(production, make_customer, url, why):
    with pytest.raises(WebhookRefused, match=why) as refused:
        webhook_endpoint_create(customer=make_customer(), url=url)
    assert refused.value.field == "url"
    assert not WebhookEndpoint.objects.exists()


def test_https_to_a_public_address_is_accepted(production, make_customer):
    endpoint = webhook_endpoint_create(customer=make_customer(), url=" https://93.184.215.14/hook ")
    assert endpoint.url == "https://93.184.215.14/hook"


def test_delivery_to_a_local_address_is_refused_before_a_byte_is_sent(production, make_customer, receiver):
    # Saved while allowed (or pointed inward since): the guard at connect time still refuses it.
    endpoint = WebhookEndpoint.objects.create(
        customer=make_customer(), url=receiver.url, secret=secret_generate()
    )
    delivery = webhook_test_send(endpoint=endpoint)

    report = webhook_deliveries_send()

    delivery.refresh_from_db()
    assert report.failed_attempts == 1 and delivery.attempts == 1
    assert "127.0.0.1 is a private or local address" in delivery.last_error
    assert receiver.requests == []


def test_development_and_tests_may_use_http_to_local_receivers(make_customer, receiver, settings):
    assert settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS  # tests/settings.py
    endpoint = webhook_endpoint_create(customer=make_customer(), url=receiver.url)
    webhook_test_send(endpoint=endpoint)
    assert webhook_deliveries_send().delivered == 1
