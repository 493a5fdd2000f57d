"""API keys: made, shown once, stored as a digest, found by digest, revoked.

Every API call looks its key up (api_key_customer), so the lookup is one plain query, and with
settings.API_KEY_CACHE_SECONDS > 0 (the default with Redis) its answer is kept in the cache:

- the entry is `api-key:<digest>` -> the owner's fields (never the password hash) and the key id;
- whatever may end a key's validity (api_key_create revoking the old key, api_key_revoke, the
  owner saved or deleted: deactivated, say) replaces the entries of the keys concerned with a
  marker, after the transaction commits. While a marker lives, that key is looked up in the
  database on every call; and lookups put their answer in the cache with `add`, which never
  overwrites a marker, so a lookup that read the database just before the commit cannot bring
  the old answer back. A revoked key is refused from the commit on.
- an entry lives API_KEY_CACHE_SECONDS at most: the bound for a change the panel does not see
  (a raw UPDATE of the user table), and for a price list shown with an old discount (charges
  read the discount afresh, catalog.selectors.service_for_sale).

The local-memory cache is per process: a marker set in one process is not seen in the others,
so without a shared cache (Redis) nothing is cached by default.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from panel.emails import customer_email_send
from panel.models import ApiKey, User
from panel.sql import table

log = logging.getLogger(__name__)

PREFIX_LENGTH = 8
# Minutes, not calls: a busy reseller must not turn every call into an UPDATE.
LAST_USED_EVERY_SECONDS = 60
_ASK_THE_DATABASE = "ask-the-database"
# The owner's fields an API call may read; the password hash stays out of the cache.
_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields if field.attname != "password")


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _cache_key(digest: str) -> str:
    return f"api-key:{digest}"


def _ttl() -> int:
    return int(getattr(settings, "API_KEY_CACHE_SECONDS", 0))


def api_keys_forget(digests: list[str]) -> None:
    """Make the next lookups of these keys read the database, from the caller's commit on."""
    ttl = _ttl()
    if not ttl or not digests:
        return

    def mark() -> None:
        cache.set_many({_cache_key(digest): _ASK_THE_DATABASE for digest in digests}, ttl)

    transaction.on_commit(mark)


def api_keys_forget_customer(customer_id: int) -> None:
    """api_keys_forget for every active key of the customer (their account changed)."""
    if _ttl():
        api_keys_forget(
            list(
                ApiKey.objects.filter(customer_id=customer_id, revoked_at__isnull=True).values_list(
                    "digest", flat=True
                )
            )
        )


def _revoke_active(customer: User) -> int:
    """Revoke the customer's active keys; how many. Their cache entries go on commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(ApiKey)} SET revoked_at = %s "  # noqa: S608 (our table)
            "WHERE customer_id = %s AND revoked_at IS NULL RETURNING digest",
            [timezone.now(), customer.pk],
        )
        digests = [row[0] for row in cursor.fetchall()]
    api_keys_forget(digests)
    return len(digests)


@transaction.atomic
def api_key_create(*, customer: User) -> tuple[ApiKey, str]:
    """A new key for `customer`, revoking the one it had.

    Returns (the row, the key in clear): show the key once; only its digest is kept. The owner is
    e-mailed once the key is committed: a key made by someone else is how a stolen session lasts.
    """
    User.objects.select_for_update().filter(pk=customer.pk).first()
    _revoke_active(customer)
    raw = secrets.token_hex(32)
    key = ApiKey.objects.create(customer=customer, prefix=raw[:PREFIX_LENGTH], digest=_digest(raw))
    # After commit: no mail for a key rolled back, and no SMTP call while the user row is locked.
    transaction.on_commit(lambda: _tell_owner(key=key, email=customer.email))
    return key, raw


def _tell_owner(*, key: ApiKey, email: str) -> None:
    """Plain text with the key's prefix and time, never the key itself."""
    try:
        customer_email_send(
            to=email,
            subject="A new API key was created for your account",
            body=f"A new API key starting with {key.prefix} was created for your account on "
            f"{key.created_at:%Y-%m-%d %H:%M} UTC. Any key you had before no longer works.\n\n"
            'If this was not you, sign in, change your password and press "Sign out everywhere and '
            'revoke API keys" on your account page: that ends every session and stops the key.\n',
        )
    except Exception:  # the key exists either way; the API page shows it
        log.exception("API key %s: its owner could not be told it was created", key.pk)


@transaction.atomic
def api_key_revoke(*, customer: User) -> int:
    return _revoke_active(customer)


def _lookup(digest: str) -> tuple[dict[str, Any], int, Any] | None:
    """(the owner's fields, the key's id, when it was last used) for an active key of an active user."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"u.{quote(User._meta.get_field(name).column)}" for name in _USER_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT k.id, k.last_used_at, {columns} FROM {table(ApiKey)} k "  # noqa: S608 (our tables)
            f"JOIN {table(User)} u ON u.id = k.customer_id "
            "WHERE k.digest = %s AND k.revoked_at IS NULL AND u.is_active",
            [digest],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip(_USER_FIELDS, row[2:], strict=True)), row[0], row[1]


def api_key_customer(raw: str) -> User | None:
    """The active customer owning the key `raw`, or None. Records when the key was last used.

    The user comes without its password hash (deferred: reading it costs a query).
    """
    if not raw or len(raw) > 200:
        return None
    digest = _digest(raw)
    ttl = _ttl()
    cached = cache.get(_cache_key(digest)) if ttl else None
    if cached is not None and cached != _ASK_THE_DATABASE:
        fields, key_id, last_used_at = cached
    else:
        found = _lookup(digest)
        if found is None:
            return None
        fields, key_id, last_used_at = found
        if ttl and cached is None:
            cache.add(_cache_key(digest), found, ttl)  # add: never over a marker
    now = timezone.now()
    stale = last_used_at is None or (now - last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS
    # A cached copy keeps its old time: the cache says whether this minute's UPDATE was made.
    if stale and cache.add(f"api-key-used:{key_id}", 1, LAST_USED_EVERY_SECONDS):
        ApiKey.objects.filter(pk=key_id).update(last_used_at=now)
    return User.from_db(connection.alias, list(fields), list(fields.values()))
