"""What the real gateway modules (stripe.py, paypal.py, nowpayments.py) share: a bounded HTTP
session, amounts between Decimal and a gateway's units, and payloads cleaned for the event log."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

import requests
from django.conf import settings

from panel.http import BoundedAdapter, NoRedirectSession
from payments.gateways.base import GatewayError

# Keys whose values never go into the event log, wherever they are in a payload.
SECRET_KEYS = frozenset({"client_secret", "access_token", "refresh_token", "api_key", "secret", "password"})


def gateway_session() -> requests.Session:
    """A session whose every request ends within the gateway timeouts, answer included (a gateway
    trickling its answer would otherwise hold a web worker), and that follows no redirect."""
    session = NoRedirectSession()
    adapter = BoundedAdapter(pool_connections=2, pool_maxsize=8, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def gateway_timeout() -> tuple[float, float]:
    """requests' (connect, read) timeout for a gateway call."""
    return (
        float(settings.PAYMENTS_GATEWAY_CONNECT_TIMEOUT),
        float(settings.PAYMENTS_GATEWAY_READ_TIMEOUT),
    )


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A request's headers by lower-case name (Django's request.headers or a plain dict)."""
    return {str(name).lower(): str(value) for name, value in headers.items()}


def to_minor(amount: Decimal, exponent: int, currency: str) -> int:
    """`amount` in `currency`'s minor unit (cents); refused when it has more decimals than the
    currency: rounding here would charge the customer another amount than the payment says."""
    minor = amount.scaleb(exponent)
    if minor != minor.to_integral_value():
        raise GatewayError(f"{amount} {currency.upper()} has more decimals than the currency allows.")
    return int(minor)


def from_minor(minor: Any, exponent: int) -> Decimal:
    """A gateway's integer in minor units as a Decimal of the major unit."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise GatewayError(f"Not an amount in minor units: {minor!r}.")
    return Decimal(minor).scaleb(-exponent)


def parse_decimal(value: Any) -> Decimal:
    """A gateway's decimal string or JSON number (parsed with parse_float=Decimal) as a Decimal."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise GatewayError(f"Not an amount: {value!r}.")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise GatewayError(f"Not an amount: {value!r}.") from None
    if not number.is_finite():
        raise GatewayError(f"Not an amount: {value!r}.")
    return number


def panel_id(value: Any) -> int | None:
    """Our payment id as a gateway echoes it back (a string), None when absent or not ours."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def scrubbed(payload: Any) -> Any:
    """`payload` made fit for the event log: secrets removed, Decimals as strings (JSON)."""
    if isinstance(payload, Mapping):
        return {str(k): scrubbed(v) for k, v in payload.items() if str(k).lower() not in SECRET_KEYS}
    if isinstance(payload, list | tuple):
        return [scrubbed(item) for item in payload]
    if isinstance(payload, Decimal):
        return str(payload)
    return payload


def json_answer(response: requests.Response, what: str) -> Any:
    """A gateway's JSON answer, Decimal for every fractional number; GatewayError when the answer
    is an error or not JSON (the gateway's own message kept, for the admin)."""
    try:
        data = json.loads(response.content, parse_float=Decimal)
    except ValueError:
        data = None
    if response.status_code >= 400 or data is None:
        detail = ""
        if isinstance(data, Mapping):
            detail = str(data.get("message") or data.get("error_description") or data.get("name") or "")
        raise GatewayError(f"{what} failed: HTTP {response.status_code} {detail}".strip())
    return data


def gateway_call(session: requests.Session, method: str, url: str, *, what: str, **kwargs: Any) -> Any:
    """One bounded HTTP call to a gateway and its JSON answer; any failure is a GatewayError."""
    try:
        response = session.request(method, url, timeout=gateway_timeout(), allow_redirects=False, **kwargs)
    except requests.RequestException as exc:
        raise GatewayError(f"{what} failed: {type(exc).__name__}") from None
    return json_answer(response, what)


@contextmanager
def malformed(what: str) -> Iterator[None]:
    """Turns a verified payload of an unexpected shape (a list where an object was, a field
    missing) into a GatewayError: refused with a clear answer, never a 500."""
    try:
        yield
    except (AttributeError, TypeError, KeyError, IndexError, ValueError):
        raise GatewayError(f"{what} is not of the shape the gateway documents.") from None
