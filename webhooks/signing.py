"""How a webhook is signed, and the recipe a customer uses to verify it (shown on the API page).

Standard Webhooks / Stripe style: the signature covers the timestamp and the exact body bytes,
so a receiver can refuse both a forged body and a replay of an old one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SIGNATURE_VERSION = "v1"


def secret_generate() -> str:
    """A new signing secret: 32 random bytes, readable as what it is."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed) for `payload`; the same on every attempt."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature_of(*, secret: str, timestamp: int, body: bytes) -> str:
    """The `Webhook-Signature` header: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the secret>."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={mac}"


# Shown to customers as is, and run by the tests against real deliveries: keep it self-contained.
VERIFY_RECIPE = '''\
import hashlib, hmac, time

def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> bool:
    """True when `body` (the raw request body) was signed by us with `secret`, recently."""
    timestamp = headers["Webhook-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False  # too old (or from the future): maybe a replay
    signed = timestamp.encode() + b"." + body
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    # The header may carry several signatures, separated by spaces.
    return any(hmac.compare_digest(expected, given) for given in headers["Webhook-Signature"].split())
'''
