"""API keys: made, shown once, stored as a digest, found by digest, revoked."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from panel.models import ApiKey, User

PREFIX_LENGTH = 8


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, customer: User) -> tuple[ApiKey, str]:
    """A new key for `customer`, revoking the one it had.

    Returns (the row, the key in clear): show the key once; only its digest is kept.
    """
    User.objects.select_for_update().filter(pk=customer.pk).first()
    ApiKey.objects.filter(customer=customer, revoked_at__isnull=True).update(revoked_at=timezone.now())
    raw = secrets.token_hex(32)
    key = ApiKey.objects.create(customer=customer, prefix=raw[:PREFIX_LENGTH], digest=_digest(raw))
    return key, raw


def api_key_revoke(*, customer: User) -> int:
    return ApiKey.objects.filter(customer=customer, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_key_customer(raw: str) -> User | None:
    """The active customer owning the key `raw`, or None. Records when the key was last used."""
    if not raw or len(raw) > 200:
        return None
    key = (
        ApiKey.objects.select_related("customer")
        .filter(digest=_digest(raw), revoked_at__isnull=True, customer__is_active=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    # One write a minute at most per key: a busy reseller must not turn every call into an UPDATE.
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.customer
