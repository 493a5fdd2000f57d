"""`api_key_customer` is how the API finds a reseller: by a live key of an active customer only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from panel.apikeys import api_key_create, api_key_customer, api_key_revoke
from panel.models import ApiKey


def test_a_live_key_finds_its_customer_and_records_its_use(make_customer):
    customer, other = make_customer(), make_customer()
    key, raw = api_key_create(customer=customer)
    api_key_create(customer=other)

    assert api_key_customer(raw) == customer
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_use_is_recorded_at_most_once_a_minute(make_customer):
    key, raw = api_key_create(customer=make_customer())
    recent = timezone.now() - timedelta(seconds=10)
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=recent)
    api_key_customer(raw)
    assert ApiKey.objects.get(pk=key.pk).last_used_at == recent


def test_a_revoked_key_finds_nobody(make_customer):
    customer = make_customer()
    _, raw = api_key_create(customer=customer)
    assert api_key_revoke(customer=customer) == 1
    assert api_key_customer(raw) is None


def test_an_inactive_customers_key_finds_nobody(make_customer):
    customer = make_customer()
    _, raw = api_key_create(customer=customer)
    customer.is_active = False
    customer.save()
    assert api_key_customer(raw) is None


@pytest.mark.parametrize("raw", ["", "x" * 64, "x" * 201])
def test_a_wrong_key_finds_nobody(make_customer, raw):
    _, real = api_key_create(customer=make_customer())
    assert api_key_customer(raw) is None
    assert api_key_customer(real.upper()) is None  # keys are compared exactly
