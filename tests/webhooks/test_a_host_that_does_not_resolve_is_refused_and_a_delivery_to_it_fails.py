"""A host that DNS does not know: registering its URL is refused in production (url_check resolves
it), and a delivery to an endpoint whose host stopped resolving is a failed attempt, retried later,
whether private hosts are allowed or not."""

import socket

import pytest
from django.utils import timezone

from webhooks.models import DeliveryState, WebhookEndpoint
from webhooks.services import (
    WebhookRefused,
    webhook_deliveries_send,
    webhook_endpoint_create,
    webhook_test_send,
)
from webhooks.signing import secret_generate

HOST = "gone.example.invalid"


@pytest.fixture(autouse=True)
def unknown_host(monkeypatch):
    """HOST has no address, as a resolver says of a name that does not exist; others resolve."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == HOST:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_registering_a_url_whose_host_does_not_resolve_is_refused(settings, make_customer):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(WebhookRefused, match=f"The host {HOST} could not be found.") as refused:
        webhook_endpoint_create(customer=make_customer(), url=f"https://{HOST}/hook")
    assert refused.value.field == "url"
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("allow_private", [False, True], ids=["production", "development"])
def test_a_delivery_to_a_host_that_no_longer_resolves_is_a_failed_attempt(
    allow_private, settings, make_customer
):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = allow_private
    # Saved while it resolved.
    endpoint = WebhookEndpoint.objects.create(
        customer=make_customer(), url=f"https://{HOST}/hook", secret=secret_generate()
    )
    delivery = webhook_test_send(endpoint=endpoint)

    report = webhook_deliveries_send()

    assert (report.delivered, report.failed_attempts) == (0, 1)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.PENDING, 1, None)
    assert delivery.last_error.startswith("Not delivered: ") and HOST in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()  # tried again after the back-off
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1
