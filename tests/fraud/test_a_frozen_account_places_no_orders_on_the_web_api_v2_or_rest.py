"""A frozen account places no order: the order form and a mass order say it is frozen, and its API
key is refused by API v2 ({"error": "Account frozen..."}) and the REST API (403 `account_frozen`),
cached or not; nothing is charged. order_place itself refuses it too."""

from decimal import Decimal

import pytest

from billing.selectors import balance_amount
from fraud.services import ACCOUNT_FROZEN, account_freeze
from orders.errors import OrderRefused
from orders.models import Order
from orders.services.placing import order_place
from tests.reseller_apis import valid_add_params

pytestmark = pytest.mark.django_db

LINK = "https://instagram.com/p/frozen"


def _untouched(customer):
    assert not Order.objects.exists()
    assert balance_amount(customer_id=customer.pk) == Decimal("100")


def test_the_order_form_and_a_mass_order_say_the_account_is_frozen(client, make_customer, default_service):
    customer = make_customer("100")
    account_freeze(customer=customer, reason="chargebacks", by=None)
    client.force_login(customer)
    page = client.post("/orders/new/", {"service": default_service.pk, "link": LINK, "quantity": "100"})
    assert ACCOUNT_FROZEN in page.content.decode()
    page = client.post("/orders/mass/", {"orders": f"{default_service.pk} | {LINK} | 100"})
    assert ACCOUNT_FROZEN in page.content.decode()
    _untouched(customer)


def test_order_place_refuses_a_frozen_customer(make_customer, default_service):
    customer = make_customer("100")
    account_freeze(customer=customer, reason="chargebacks", by=None)
    with pytest.raises(OrderRefused) as refused:
        order_place(
            customer=customer, service_id=default_service.pk, params={"link": LINK, "quantity": "100"}
        )
    assert refused.value.code == "account_frozen"
    _untouched(customer)


@pytest.mark.parametrize("cache_seconds", [0, 30])
def test_api_v2_refuses_the_key_of_a_frozen_account(
    api_v2, reseller, default_service, settings, cache_seconds, django_capture_on_commit_callbacks
):
    settings.API_KEY_CACHE_SECONDS = cache_seconds
    assert "balance" in api_v2({"key": reseller.key, "action": "balance"})  # cached from here, if on
    with django_capture_on_commit_callbacks(execute=True):  # the freeze's commit drops the cached owner
        account_freeze(customer=reseller.customer, reason="stolen cards", by=None)
    params = {"key": reseller.key, "action": "add", "service": default_service.pk}
    assert api_v2({**params, **valid_add_params(default_service, LINK)}) == {"error": ACCOUNT_FROZEN}
    assert api_v2({"key": reseller.key, "action": "balance"}) == {"error": ACCOUNT_FROZEN}
    _untouched(reseller.customer)


def test_rest_refuses_the_key_of_a_frozen_account(rest_call, reseller, default_service):
    account_freeze(customer=reseller.customer, reason="stolen cards", by=None)
    body = {"service": default_service.pk, "link": LINK, "quantity": default_service.min_quantity}
    status, answer = rest_call(reseller.key, "orders/", body)
    assert status == 403
    assert answer["error"] == {"code": "account_frozen", "message": ACCOUNT_FROZEN}
    status, answer = rest_call(reseller.key, "balance/")
    assert (status, answer["error"]["code"]) == (403, "account_frozen")
    _untouched(reseller.customer)
