"""Unfreezing gives back everything the freeze took: the same API key works again (cached or not),
orders are placed and a payment can be started; the banner is gone."""

import pytest

from fraud.services import ACCOUNT_FROZEN, account_freeze, account_unfreeze
from panel.models import User
from tests.reseller_apis import valid_add_params

pytestmark = pytest.mark.django_db(transaction=True)


def test_after_unfreezing_the_key_orders_and_deposits_work_again(
    api_v2, client, reseller, default_service, start_payment, settings, django_capture_on_commit_callbacks
):
    settings.API_KEY_CACHE_SECONDS = 30
    customer = reseller.customer
    account_freeze(customer=customer, reason="checking", by=None)
    assert api_v2({"key": reseller.key, "action": "balance"}) == {"error": ACCOUNT_FROZEN}  # cached frozen

    assert account_unfreeze(customer=customer, by=None) is True
    assert account_unfreeze(customer=customer, by=None) is False  # it was not frozen any more
    stored = User.objects.get(pk=customer.pk)
    assert (stored.frozen_at, stored.frozen_reason) == (None, "")

    params = {"key": reseller.key, "action": "add", "service": default_service.pk}
    assert "order" in api_v2({**params, **valid_add_params(default_service, "https://instagram.com/p/back")})
    assert start_payment(customer).checkout_url
    client.force_login(customer)
    assert b"frozen-banner" not in client.get("/dashboard/").content


def test_freezing_twice_keeps_the_first_reason(make_customer):
    customer = make_customer()
    assert account_freeze(customer=customer, reason="first", by=None) is True
    assert account_freeze(customer=customer, reason="second", by=None) is False
    assert User.objects.get(pk=customer.pk).frozen_reason == "first"


def test_a_freeze_needs_a_reason(make_customer):
    customer = make_customer()
    with pytest.raises(ValueError, match="reason"):
        account_freeze(customer=customer, reason="  ", by=None)
    assert User.objects.get(pk=customer.pk).frozen_at is None
