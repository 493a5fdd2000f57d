"""The client's address, read one way for every limit: the API's and allauth's (sign-in, sign-up,
reset). allauth reads it from X-Forwarded-For past settings.TRUSTED_PROXY_COUNT proxies (given to
it as ALLAUTH_TRUSTED_PROXY_COUNT), else REMOTE_ADDR; a header a client sent itself is not read
when no proxy is trusted."""

from __future__ import annotations

import ipaddress
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
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


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys its per-account limit of failed logins ("5/5m/key") by site and login only,
        # so anyone could lock a customer or staff member out with five wrong passwords. Keyed by
        # the client's address too, a stranger only locks themselves out; the per-address limit
        # ("10/m/ip") still bounds the guesses of each address.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_address(request)}"
