"""The client's address, read one way for every limit: the API's and allauth's (sign-in, sign-up,
reset). allauth reads it from X-Forwarded-For past settings.TRUSTED_PROXY_COUNT proxies (given to
it as ALLAUTH_TRUSTED_PROXY_COUNT), else REMOTE_ADDR; a header a client sent itself is not read
when no proxy is trusted."""

from __future__ import annotations

import ipaddress

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IPv4 address, or the /64 of its IPv6 one; "unknown" when none can be read
    (fewer X-Forwarded-For entries than trusted proxies: a request that bypassed them)."""
    try:
        raw = get_adapter(request).get_client_ip(request)
        address = ipaddress.ip_address(raw)
    except (ImproperlyConfigured, PermissionDenied, ValueError):
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
