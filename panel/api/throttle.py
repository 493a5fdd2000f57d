"""Request limits of API v2, counted in Django's cache: per customer, and per address for bad keys.

Each limit is a counter per fixed minute (`api-v2:<what>:<who>:<minute>`), raised with the cache's
atomic `incr`: Redis in production, so every web process counts on the same number; the local
memory cache in development. A counter lives two minutes and is never read again after its minute.

- A customer may make settings.API_RATE_LIMIT_PER_MINUTE calls a minute; the next ones, until
  the minute ends, are answered {"error": "Too many requests"} with HTTP 200 (the protocol's
  clients treat any other status as a network failure) and a Retry-After header: the seconds
  until the next minute.
- A call with a missing or wrong key counts against the address it came from (an IPv4 address,
  or the /64 of an IPv6 one). Past settings.API_INVALID_KEY_LIMIT_PER_MINUTE of them, every call
  from that address is refused until the minute ends, before its key is even looked up: keys
  cannot be tried quickly. (A valid key behind the same address waits too; for a minute at most.)
"""

from __future__ import annotations

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_TTL = 120


def now() -> float:
    """The clock the windows follow (tests replace it)."""
    return time.time()


def _window() -> tuple[int, int]:
    """(this minute's number, the whole seconds until the next one, at least 1)."""
    moment = now()
    minute = int(moment // 60)
    return minute, max(1, math.ceil((minute + 1) * 60 - moment))


def _incr(key: str) -> int:
    if cache.add(key, 1, _TTL):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # it expired between add and incr
        cache.add(key, 0, _TTL)
        return cache.incr(key)


def customer_call(customer_id: int) -> int | None:
    """Counts a call by the customer. None when it is within the limit, else the Retry-After seconds."""
    minute, retry_after = _window()
    calls = _incr(f"api-v2:calls:{customer_id}:{minute}")
    return None if calls <= settings.API_RATE_LIMIT_PER_MINUTE else retry_after


def address_of(request: HttpRequest) -> str:
    """Who a bad key is counted against: REMOTE_ADDR, an IPv6 one widened to its /64."""
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def address_blocked(address: str) -> int | None:
    """None when `address` may try a key, else the Retry-After seconds."""
    minute, retry_after = _window()
    failures = cache.get(f"api-v2:bad-keys:{address}:{minute}", 0)
    return retry_after if failures >= settings.API_INVALID_KEY_LIMIT_PER_MINUTE else None


def bad_key_from(address: str) -> None:
    minute, _ = _window()
    _incr(f"api-v2:bad-keys:{address}:{minute}")
