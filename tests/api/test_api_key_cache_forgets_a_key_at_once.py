"""With API_KEY_CACHE_SECONDS (on by default with Redis), a key's owner comes from the cache; a key
revoked or replaced, or an owner deactivated, stops working at the commit, not at the entry's end.

on_commit callbacks run here as they would after a commit (django_capture_on_commit_callbacks)."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panel import apikeys
from panel.apikeys import api_key_create, api_key_customer, api_key_revoke


@pytest.fixture
def cached(settings):
    settings.API_KEY_CACHE_SECONDS = 30


def lookups(raw: str) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        customer = api_key_customer(raw)
    return customer, len(captured.captured_queries)


def test_a_key_is_read_from_the_database_once_then_from_the_cache(cached, reseller):
    assert lookups(reseller.key) == (reseller.customer, 2)  # the key, and this minute's last use
    assert lookups(reseller.key) == (reseller.customer, 0)


def test_the_cache_never_holds_the_password_hash(cached, reseller):
    api_key_customer(reseller.key)
    fields, _, _ = cache.get(apikeys._cache_key(apikeys._digest(reseller.key)))
    assert "password" not in fields
    assert reseller.customer.password not in repr(fields)


def test_a_revoked_key_stops_working_at_once(cached, reseller, django_capture_on_commit_callbacks):
    assert api_key_customer(reseller.key) == reseller.customer
    with django_capture_on_commit_callbacks(execute=True):
        assert api_key_revoke(customer=reseller.customer) == 1
    assert api_key_customer(reseller.key) is None


def test_a_replaced_key_stops_working_at_once_and_the_new_one_works(
    cached, reseller, django_capture_on_commit_callbacks
):
    assert api_key_customer(reseller.key) == reseller.customer
    with django_capture_on_commit_callbacks(execute=True):
        _, new = api_key_create(customer=reseller.customer)
    assert api_key_customer(reseller.key) is None
    assert api_key_customer(new) == reseller.customer


def test_a_deactivated_customers_key_stops_working_at_once(
    cached, reseller, django_capture_on_commit_callbacks
):
    assert api_key_customer(reseller.key) == reseller.customer
    with django_capture_on_commit_callbacks(execute=True):
        reseller.customer.is_active = False
        reseller.customer.save()
    assert api_key_customer(reseller.key) is None


def test_a_lookup_that_read_the_key_before_the_revocation_cannot_cache_it_again(
    cached, reseller, django_capture_on_commit_callbacks
):
    digest = apikeys._digest(reseller.key)
    read_before = apikeys._lookup(digest)  # a request that read the database just before the commit
    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(customer=reseller.customer)
    cache.add(apikeys._cache_key(digest), read_before, 30)  # ... and now caches what it read
    assert api_key_customer(reseller.key) is None


def test_a_new_discount_shows_at_once(cached, reseller, django_capture_on_commit_callbacks):
    assert api_key_customer(reseller.key).discount_percent == 0
    with django_capture_on_commit_callbacks(execute=True):
        reseller.customer.discount_percent = Decimal("12.5")
        reseller.customer.save()
    assert api_key_customer(reseller.key).discount_percent == Decimal("12.5")


def test_without_a_shared_cache_nothing_is_cached(settings, reseller):
    settings.API_KEY_CACHE_SECONDS = 0
    api_key_customer(reseller.key)
    assert cache.get(apikeys._cache_key(apikeys._digest(reseller.key))) is None
    assert lookups(reseller.key)[1] == 1


def test_the_cache_is_off_by_default_without_redis():
    from django.conf import settings

    if settings.REDIS_URL:
        pytest.skip("this run has Redis: the cache is on")
    assert settings.API_KEY_CACHE_SECONDS == 0
