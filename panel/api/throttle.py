"""Request limits of API v2 and the REST API: per customer, and per address for bad keys.

Both count in a moving window of one minute (panel.ratelimit, the `limits` library; Redis in
production, so every web process counts on the same hits; this process's memory without Redis).

- A customer may make settings.API_RATE_LIMIT_PER_MINUTE calls in any minute; the next ones are
  answered {"error": "Too many requests"} with HTTP 200 (the protocol's clients treat any other
  status as a network failure), or 429 by the REST API, and a Retry-After header: the seconds
  until the oldest counted call is a minute old.
- A call with a missing or wrong key counts against the address it came from (an IPv4 address,
  or the /64 of an IPv6 one; read past settings.TRUSTED_PROXY_COUNT proxies, panel.clientip).
  With settings.API_INVALID_KEY_LIMIT_PER_MINUTE of them in the last minute, every call from that
  address is refused before its key is even looked up: keys cannot be tried quickly. (A valid
  key behind the same address waits too; for a minute at most.)
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest

from panel.apikeys import api_key_customer
from panel.clientip import client_address
from panel.models import User
from panel.ratelimit import rate_limit_check, rate_limit_hit

log = logging.getLogger("panel.api")


def customer_call(customer_id: int) -> int | None:
    """Counts a call by the customer. None when it is within the limit, else the Retry-After seconds."""
    return rate_limit_hit(
        scope="api-calls", who=str(customer_id), per_minute=settings.API_RATE_LIMIT_PER_MINUTE
    )


def address_of(request: HttpRequest) -> str:
    """Who a bad key is counted against: the client's address (behind TRUSTED_PROXY_COUNT proxies),
    an IPv6 one widened to its /64."""
    return client_address(request)


def address_blocked(address: str) -> int | None:
    """None when `address` may try a key, else the Retry-After seconds."""
    return rate_limit_check(
        scope="api-bad-keys", who=address, per_minute=settings.API_INVALID_KEY_LIMIT_PER_MINUTE
    )


def bad_key_from(address: str) -> None:
    rate_limit_hit(scope="api-bad-keys", who=address, per_minute=settings.API_INVALID_KEY_LIMIT_PER_MINUTE)


# -- the key check both APIs make -----------------------------------------------------------------


class KeyRefused(Exception):
    """A call's key was refused: `retry_after` seconds while its address is blocked for trying
    bad keys, None when the key itself is wrong (and now counts against the address) or, with
    `frozen`, when it is right but its owner's account is frozen (fraud.services.account_freeze)."""

    def __init__(self, retry_after: int | None, *, frozen: bool = False) -> None:
        reason = (
            "blocked address"
            if retry_after is not None
            else "frozen account"
            if frozen
            else "invalid API key"
        )
        super().__init__(reason)
        self.retry_after = retry_after
        self.frozen = frozen


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
    # The user row came with the key (cached or not): no query. A right key is no bad guess.
    if customer.frozen_at is not None:
        log.info("%s: customer %s is frozen; key refused", api, customer.pk)
        raise KeyRefused(None, frozen=True)
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
