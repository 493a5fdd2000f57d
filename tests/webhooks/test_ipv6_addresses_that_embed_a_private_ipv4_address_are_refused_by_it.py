"""An IPv6 address that carries an IPv4 one (NAT64 64:ff9b::/96, 6to4 2002::/16, IPv4-compatible
::/96, IPv4-mapped ::ffff:0:0/96) reaches that IPv4 address through a translator or a tunnel: it is
judged by the address it carries, so 64:ff9b::7f00:1 is refused as 127.0.0.1 is, and one that
carries a public address is accepted. Local-use NAT64 (64:ff9b:1::/48) leads into a local network
and is refused whatever it carries. The same guard runs when a delivery connects."""

import socket

import pytest

from webhooks.models import WebhookEndpoint
from webhooks.sending import post, session_open, url_check
from webhooks.services import WebhookRefused, webhook_endpoint_create
from webhooks.signing import secret_generate


@pytest.fixture
def production(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
        "64:ff9b::c0a8:1",  # NAT64 of 192.168.0.1
        "64:ff9b:1::a00:1",  # local-use NAT64
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "::127.0.0.1",  # IPv4-compatible
        "::10.0.0.1",
        "::ffff:10.0.0.1",  # IPv4-mapped
        "::ffff:127.0.0.1",
    ],
)
def test_an_address_that_embeds_a_private_ipv4_one_is_refused(production, make_customer, address):
    with pytest.raises(WebhookRefused, match="private or local"):
        webhook_endpoint_create(customer=make_customer(), url=f"https://[{address}]/hook")
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1", "2606:4700:4700::1111"])
def test_an_address_that_embeds_a_public_ipv4_one_or_none_is_accepted(production, address):
    assert url_check(f"https://[{address}]/hook") == f"https://[{address}]/hook"


def test_the_guard_at_delivery_judges_the_embedded_address_too(production, monkeypatch):
    # A name that resolves, when the delivery connects, to NAT64 of loopback: nothing is sent.
    nat64_loopback = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::7f00:1", 443, 0, 0))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: nat64_loopback)
    with session_open() as session:
        outcome = post(
            session, url="https://hooks.example.com/hook", secret=secret_generate(), event_id="e1", payload={}
        )

    assert not outcome.delivered
    assert "refused: 64:ff9b::7f00:1 is a private or local address" in outcome.error
