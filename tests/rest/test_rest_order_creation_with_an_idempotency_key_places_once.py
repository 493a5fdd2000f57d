"""`POST /orders/` with an `Idempotency-Key` places once (Stripe's semantics, in
orders.services.idempotency): the same key and body again answers the same 201 and body with
`Idempotent-Replayed: true` and places and charges nothing; the same key with another body is a
422; a key too long is a 400 naming the header. Without the header every request places."""

import pytest

from billing.models import LedgerEntry
from orders.models import Order
from tests.reseller_apis import money_state
from tests.rest.conftest import error_of


@pytest.fixture
def body(default_service, new_link) -> dict:
    return {"service": default_service.pk, "link": new_link(), "quantity": 100}


def place(rest, body: dict, key: str | None):
    return rest.post("orders/", body, headers={"Idempotency-Key": key} if key is not None else {})


def test_the_same_key_and_body_answer_the_first_order_again(rest, reseller, body):
    first = place(rest, body, "order-1841")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    state = money_state()
    again = place(rest, body, "order-1841")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert money_state() == state
    assert LedgerEntry.objects.filter(customer=reseller.customer, kind="charge").count() == 1


def test_the_same_key_with_another_body_is_a_422(rest, body, new_link):
    assert place(rest, body, "order-1842").status_code == 201
    state = money_state()
    response = place(rest, {**body, "link": new_link()}, "order-1842")
    assert response.status_code == 422
    error = error_of(response)
    assert (error["code"], error["field"]) == ("idempotency_key_reused", "Idempotency-Key")
    assert money_state() == state


def test_a_refused_request_keeps_no_key_and_may_be_retried(rest, body):
    assert error_of(place(rest, {**body, "quantity": 1}, "order-1843"))["code"] == "quantity_below_minimum"
    assert place(rest, body, "order-1843").status_code == 201


def test_a_key_longer_than_255_characters_is_a_400_naming_the_header(rest, body):
    response = place(rest, body, "k" * 256)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["field"]) == ("invalid_parameter", "Idempotency-Key")
    assert list(error["fields"]) == ["Idempotency-Key"]
    assert not Order.objects.exists()
    assert place(rest, body, "k" * 255).status_code == 201


def test_keys_are_each_customers_own(rest, make_reseller, as_reseller, body):
    other = as_reseller(make_reseller())
    mine = place(rest, body, "shared-key")
    theirs = place(other, {**body, "link": body["link"] + "/other"}, "shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_without_the_header_each_request_places_an_order(rest, body, new_link):
    assert place(rest, body, None).status_code == 201
    assert place(rest, {**body, "link": new_link()}, None).status_code == 201
    assert Order.objects.count() == 2
