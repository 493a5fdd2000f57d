"""Request limits of API v2, counted in Django's cache: per customer, and per address for bad keys.

Each limit is a counter per fixed minute (`api-v2:<what>:<who>:<minute>`), raised with the cache's
atomic `incr`: Redis in production, so every web process counts on the same number; the local
memory cache in development. A counter lives two minutes and is never read again after its minute.

- A customer may make settings.API_RATE_LIMIT_PER_MINUTE calls a minute; the next ones, until
  the minute ends, are answered {"error": "Too many requests"} with HTTP 200 (the protocol's
  clients treat any other status as a network failure) and a Retry-After header: the seconds
  until the next minute.
- A call with a missing or wrong key counts against the address it came from (an IPv4 address,
  or the /64 of an IPv6 one; read past settings.TRUSTED_PROXY_COUNT proxies, panel.clientip).
  Past settings.API_INVALID_KEY_LIMIT_PER_MINUTE of them, every call from that address is refused
  until the minute ends, before its key is even looked up: keys cannot be tried quickly. (A valid
  key behind the same address waits too; for a minute at most.)
"""

from __future__ import annotations

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from panel.apikeys import api_key_customer
from panel.clientip import client_address
from panel.models import User

_TTL = 120
log = logging.getLogger("panel.api")


def now() -> float:
    """The clock the windows follow (tests replace it)."""
    return time.time()


def _window() -> tuple[int, int]:
    """(this minute's number, the whole seconds until the next one, at least 1)."""
    moment = now()
    minute = int(moment // 60)
    return minute, max(1, math.ceil((minute + 1) * 60 - moment))


def _incr(key: str) -> int:
    # incr first: within a minute the counter exists, and with Redis incr is 2 round trips where
    # add-then-incr was 3 (benchmarks/intake.py). The first call of a minute adds it.
    try:
        return cache.incr(key)
    except ValueError:  # not there yet (a new minute), or it expired meanwhile
        if cache.add(key, 1, _TTL):
            return 1
        return cache.incr(key)  # another request added it first


def customer_call(customer_id: int) -> int | None:
    """Counts a call by the customer. None when it is within the limit, else the Retry-After seconds."""
    minute, retry_after = _window()
    calls = _incr(f"api-v2:calls:{customer_id}:{minute}")
    return None if calls <= settings.API_RATE_LIMIT_PER_MINUTE else retry_after


def address_of(request: HttpRequest) -> str:
    """Who a bad key is counted against: the client's address (behind TRUSTED_PROXY_COUNT proxies),
    an IPv6 one widened to its /64."""
    return client_address(request)


def address_blocked(address: str) -> int | None:
    """None when `address` may try a key, else the Retry-After seconds."""
    minute, retry_after = _window()
    failures = cache.get(f"api-v2:bad-keys:{address}:{minute}", 0)
    return retry_after if failures >= settings.API_INVALID_KEY_LIMIT_PER_MINUTE else None


def bad_key_from(address: str) -> None:
    minute, _ = _window()
    _incr(f"api-v2:bad-keys:{address}:{minute}")


# -- the key check both APIs make -----------------------------------------------------------------


class KeyRefused(Exception):
    """A call's key was refused: `retry_after` seconds while its address is blocked for trying
    bad keys, None when the key itself is wrong (and now counts against the address)."""

    def __init__(self, retry_after: int | None) -> None:
        super().__init__("blocked address" if retry_after is not None else "invalid API key")
        self.retry_after = retry_after


def key_owner(request: HttpRequest, raw: str, *, api: str) -> User:
    """The active customer owning the key `raw`, checked the same way by API v2 and the REST API
    (`api` names which in the log): first the address's bad-key limit, then the key. Raises
    KeyRefused. No log line holds the key."""
    address = address_of(request)
    retry_after = address_blocked(address)
    if retry_after is not None:
        log.info("%s: %s is refused for %d s after too many invalid keys", api, address, retry_after)
        raise KeyRefused(retry_after)
    customer = api_key_customer(raw)
    if customer is None:
        bad_key_from(address)
        log.info("%s: invalid API key from %s", api, address)
        raise KeyRefused(None)
    return customer


def over_limit(customer_id: int, *, api: str) -> int | None:
    """Count a call of the customer (both APIs share the budget); the seconds to wait when it is
    over settings.API_RATE_LIMIT_PER_MINUTE, else None."""
    retry_after = customer_call(customer_id)
    if retry_after is not None:
        log.info(
            "%s: customer %s is over %d calls a minute", api, customer_id, settings.API_RATE_LIMIT_PER_MINUTE
        )
    return retry_after
