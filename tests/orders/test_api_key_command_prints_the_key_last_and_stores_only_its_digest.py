"""`manage.py api_key EMAIL` makes a reseller's key: printed once as the last line of stdout (so
scripts can take it with `tail -1`), stored only as its SHA-256, replacing the previous key."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from panel.apikeys import api_key_customer
from panel.models import ApiKey


def make_key(email: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("api_key", email, stdout=out, stderr=err)
    assert "not shown again" in err.getvalue()
    return out.getvalue().splitlines()[-1]


def test_the_key_is_the_last_line_and_only_its_digest_is_stored(make_customer):
    customer = make_customer()

    raw = make_key(customer.email)

    assert len(raw) == 64 and int(raw, 16) >= 0
    key = ApiKey.objects.get(customer=customer)
    assert key.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(key.prefix) and len(key.prefix) < len(raw) // 4
    for field in ApiKey._meta.concrete_fields:
        assert raw not in str(getattr(key, field.attname))
    assert api_key_customer(raw) == customer


def test_the_email_is_matched_whatever_its_case_and_spaces(make_customer):
    customer = make_customer()
    raw = make_key(f"  {customer.email.upper()} ")
    assert api_key_customer(raw) == customer


def test_a_second_key_revokes_the_first(make_customer):
    customer = make_customer()
    first = make_key(customer.email)
    second = make_key(customer.email)

    assert first != second
    assert api_key_customer(first) is None
    assert api_key_customer(second) == customer
    assert ApiKey.objects.filter(customer=customer).count() == 2
    assert ApiKey.objects.filter(customer=customer, revoked_at__isnull=True).count() == 1


def test_an_unknown_email_is_a_command_error(make_customer):
    with pytest.raises(CommandError, match=r"nobody@example\.com"):
        call_command("api_key", "nobody@example.com", stdout=StringIO(), stderr=StringIO())
    assert not ApiKey.objects.exists()
