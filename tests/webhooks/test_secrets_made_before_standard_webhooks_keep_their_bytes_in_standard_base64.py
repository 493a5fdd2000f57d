"""Secrets made before webhooks were signed as Standard Webhooks (`whsec_` + urlsafe base64, which
Python's library decodes wrongly: it drops `-` and `_`) are rewritten by migration 0004 as the same
32 bytes in standard base64, which every library decodes alike; the reverse gives them back."""

import base64
import binascii
import secrets
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook

from tests.migrating import migrate_to, migrate_to_latest

BEFORE = [("webhooks", "0003_derive_is_active_and_delivered_at")]
AFTER = [("webhooks", "0004_secrets_in_standard_base64")]


def _signs_as(secret: str | bytes) -> str | None:
    """A signature the library makes with `secret` (None if it cannot read it): equal ones, equal keys."""
    try:
        return Webhook(secret).sign(msg_id="msg_1", timestamp=datetime(2026, 1, 1, tzinfo=UTC), data="{}")
    except binascii.Error:
        return None


def _old_secret() -> str:
    # As webhooks.signing made them: with a - and a _, which the library misreads.
    while "-" not in (secret := secrets.token_urlsafe(32)) or "_" not in secret:
        pass
    return "whsec_" + secret


@pytest.mark.django_db(transaction=True)
def test_migration_0004_rewrites_old_secrets_as_the_same_bytes_in_standard_base64(make_customer):
    customer = make_customer("0")
    old = _old_secret()
    raw = base64.urlsafe_b64decode(old.removeprefix("whsec_") + "=")
    assert _signs_as(old) != _signs_as(raw)  # the reason for the migration
    try:
        apps = migrate_to(BEFORE)
        endpoint = apps.get_model("webhooks", "WebhookEndpoint").objects.create(
            customer_id=customer.pk, url="https://example.com/hook", secret=old
        )

        apps = migrate_to(AFTER)
        moved = apps.get_model("webhooks", "WebhookEndpoint").objects.get(pk=endpoint.pk).secret
        assert moved == "whsec_" + base64.b64encode(raw).decode()
        assert _signs_as(moved) == _signs_as(raw)

        apps = migrate_to(BEFORE)
        assert apps.get_model("webhooks", "WebhookEndpoint").objects.get(pk=endpoint.pk).secret == old
    finally:
        migrate_to_latest()
