"""How a webhook is signed: Standard Webhooks (https://www.standardwebhooks.com/), exactly.

The `webhook-signature` header is `v1,<base64 HMAC-SHA256>` of `"<webhook-id>.<webhook-timestamp>.<body>"`,
keyed by the base64-decoded secret (`whsec_<base64>`); the `standardwebhooks` package signs it, so a
receiver verifies with its own language's Standard Webhooks library. The id and the timestamp are
signed too, so a receiver can refuse a forged body, a replay of an old one and a changed id.
VERIFY_RECIPE is the manual check shown on the API page for those without such a library.
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC, datetime
from typing import Any

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SECRET_BYTES = 32


def secret_generate() -> str:
    """A new signing secret: 32 random bytes in standard base64, after the `whsec_` prefix."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed) for `payload`; the same on every attempt."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature_of(*, secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header of `body` sent as event `event_id` at `timestamp` (Unix seconds)."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return Webhook(secret).sign(msg_id=event_id, timestamp=moment, data=body.decode())


# Shown to customers as is, and run by the tests against real deliveries: keep it self-contained.
VERIFY_RECIPE = '''\
import base64, hashlib, hmac, time

def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> bool:
    """True when `body` (the raw request body) was signed by us with `secret`, recently."""
    headers = {name.lower(): value for name, value in headers.items()}
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False  # too old (or from the future): maybe a replay
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    # The header may carry several signatures, separated by spaces.
    return any(hmac.compare_digest(expected, given) for given in headers["webhook-signature"].split())
'''
