"""API v2 `add` with `idempotency_key`: a retry answers the first order and places nothing new, in
every transport; the key with other parameters is refused with its own text; without a key `add`
places a new order each time, as the protocol always did."""

from __future__ import annotations

import pytest

from orders.errors import IDEMPOTENCY_KEY_REUSED
from orders.models import Order
from tests.api.conftest import VIAS
from tests.reseller_apis import money_state, valid_add_params


@pytest.mark.parametrize("via", VIAS)
def test_a_retry_with_the_same_key_answers_the_first_order(api, reseller, default_service, new_link, via):
    params = {
        "key": reseller.key,
        "action": "add",
        "service": default_service.pk,
        "idempotency_key": f"retry-{via}",
        **valid_add_params(default_service, new_link()),
    }
    first = api(params, via=via).json()
    assert "order" in first, first
    before = money_state()

    again = api(params, via=via).json()

    assert again == first
    assert money_state() == before
    assert Order.objects.filter(customer=reseller.customer).count() == 1


def test_the_key_with_other_parameters_is_refused_and_changes_nothing(
    api, reseller, default_service, new_link
):
    params = {
        "key": reseller.key,
        "action": "add",
        "service": default_service.pk,
        "idempotency_key": "k1",
        **valid_add_params(default_service, new_link()),
    }
    api(params)
    before = money_state()

    answer = api({**params, "link": new_link()}).json()

    assert answer == {"error": IDEMPOTENCY_KEY_REUSED}
    assert money_state() == before


def test_an_empty_key_is_an_incorrect_request(api, reseller, default_service, new_link):
    before = money_state()
    answer = api(
        {
            "key": reseller.key,
            "action": "add",
            "service": default_service.pk,
            "idempotency_key": "",
            **valid_add_params(default_service, new_link()),
        }
    ).json()
    assert answer["error"].startswith("Incorrect request: idempotency_key")
    assert money_state() == before


def test_without_a_key_each_add_places_a_new_order(api, reseller, default_service, settings):
    settings.ORDERS_ALLOW_DUPLICATE_LINKS = True
    params = {
        "key": reseller.key,
        "action": "add",
        "service": default_service.pk,
        **valid_add_params(default_service, "https://instagram.com/p/twice"),
    }
    first, second = api(params).json(), api(params).json()
    assert first["order"] != second["order"]
