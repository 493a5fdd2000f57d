"""The only HTTP of webhooks: which URLs may receive them, and one signed POST.

Nothing here touches the database: posts run in threads (services.delivery._post_all) and their
outcomes are written back by the caller.
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from panel.http import BoundedAdapter, NoRedirectSession, watched_exchange
from webhooks.signing import body_of, signature_of

# What is kept of an answer that is not 2xx: enough to recognise it, never the whole page.
SNIPPET_CHARS = 200


class UrlRefused(ValueError):
    """A URL that may not receive webhooks; the message says why, fit to show the customer."""


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 address in the last 32 bits
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: a local translator, anywhere inside
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated (RFC 4291): the IPv4 in the last 32 bits


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a translator or tunnel would carry `ip` to, if any: Python's is_global
    judges 64:ff9b::7f00:1 or 2002:7f00:1:: as public, though they lead to 127.0.0.1."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):  # :: and ::1 are judged as such
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _public(address: str) -> bool:
    """False for loopback, private, link-local, reserved, shared and multicast addresses, and for an
    IPv6 address that carries such an IPv4 one (NAT64, 6to4, IPv4-compatible or -mapped)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL:
            return False
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return embedded.is_global and not embedded.is_multicast
    return ip.is_global and not ip.is_multicast


def url_check(url: str) -> str:
    """`url`, stripped, if it may receive webhooks; raises UrlRefused otherwise.

    Unless WEBHOOKS_ALLOW_PRIVATE_HOSTS, only https to a host whose every address is public:
    the panel must not become a way to reach its own network. Delivery checks again, on the
    address it actually connects to (a name may resolve elsewhere later).
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UrlRefused("This is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlRefused("The URL must start with https:// and name a host.")
    if settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS:
        return url
    if parts.scheme != "https":
        raise UrlRefused("The URL must use https://.")
    try:
        infos = socket.getaddrinfo(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise UrlRefused(f"The host {parts.hostname} could not be found.") from None
    if not all(_public(str(info[4][0])) for info in infos):
        raise UrlRefused(f"The host {parts.hostname} is a private or local address; use a public one.")
    return url


# --- The guard at delivery: the address connected to must be public -----------------------------

# The host name of the URL the guarded adapter is sending to, while it sends to one of its addresses.
_server_name: contextvars.ContextVar[str | None] = contextvars.ContextVar("webhook_server_name", default=None)


class _GuardedAdapter(BoundedAdapter):
    """Connects to public addresses only, and to the very address it checked.

    It resolves the URL's host itself, refuses it unless every address is public, and sends to
    that address, the name kept in the Host header, the TLS server name and the certificate check.
    So a name that resolved to a public address when the URL was saved and resolves to 127.0.0.1
    now (DNS rebinding, even between a check and the connection) is refused before a byte is sent.
    All through requests' public adapter interface (`send`, `build_connection_pool_key_attributes`).
    """

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url or "")
        host = parts.hostname or ""
        try:
            infos = socket.getaddrinfo(
                host, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP
            )
        except (OSError, UnicodeError) as error:
            raise requests.ConnectionError(
                f"{host} could not be resolved: {error}", request=request
            ) from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            if not _public(address):
                raise requests.ConnectionError(
                    f"refused: {address} is a private or local address", request=request
                )
        request.headers["Host"] = parts.netloc.rpartition("@")[2]
        token = _server_name.set(host)
        try:
            for tried, address in enumerate(addresses, 1):
                pinned = f"[{address}]" if ":" in address else address
                request.url = urlunsplit(
                    parts._replace(netloc=f"{pinned}:{parts.port}" if parts.port else pinned)
                )
                with watched_exchange() as exchange:
                    try:
                        return super().send(request, *args, **kwargs)
                    except requests.ConnectionError:
                        # As a connection tries each address of a name: the next one, unless this one
                        # got the request (the receiver may have acted on it) or it was the last.
                        if exchange.sent or tried == len(addresses):
                            raise
            raise requests.ConnectionError(f"{host} has no address", request=request)
        finally:
            _server_name.reset(token)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: bool | str, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        name = _server_name.get()
        if name is not None and host_params["scheme"] == "https":
            # Connected to an address: TLS still names, and checks the certificate of, the host.
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        return host_params, pool_kwargs


def session_open() -> requests.Session:
    """A session for one endpoint's deliveries of a run (one connection, kept alive)."""
    session = NoRedirectSession()  # no redirect followed (see post), nor its body read
    # No proxy from the environment: the guard must see the receiver's address, not a proxy's.
    session.trust_env = False
    # Bounded: a receiver (the customer's own server) trickling its answer a byte at a time would
    # otherwise hold its sender thread, and with it the whole run, for as long as it liked.
    adapter = BoundedAdapter() if settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS else _GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# --- One POST ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None = None
    error: str = ""


def post(
    session: requests.Session, *, url: str, secret: str, event_id: str, payload: dict[str, Any]
) -> Outcome:
    """POST `payload`, signed, to `url`: delivered on a 2xx answer; never raises for the network."""
    body = body_of(payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"{settings.PANEL_NAME} webhooks",
        "Webhook-Id": event_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature_of(secret=secret, event_id=event_id, timestamp=timestamp, body=body),
    }
    timeout = float(settings.WEBHOOKS_TIMEOUT)
    try:
        # No redirects: a 3xx is a failure to fix on the receiver's side, and following one could
        # lead anywhere. stream=True: the answer's body is not read beyond the snippet.
        with session.post(
            url, data=body, headers=headers, timeout=(timeout, timeout), allow_redirects=False, stream=True
        ) as response:
            if 200 <= response.status_code < 300:
                return Outcome(delivered=True, status_code=response.status_code)
            snippet = response.raw.read(SNIPPET_CHARS, decode_content=True).decode("utf-8", "replace")
            return Outcome(
                delivered=False,
                status_code=response.status_code,
                error=f"HTTP {response.status_code}: {snippet.strip()}"[:SNIPPET_CHARS],
            )
    except (requests.Timeout, Urllib3Timeout):
        return Outcome(delivered=False, error=f"No answer within {timeout:g} s")
    # urllib3's own errors: reading the snippet goes past requests.
    except (requests.RequestException, Urllib3Error, OSError) as error:
        return Outcome(delivered=False, error=f"Not delivered: {error}"[:500])
