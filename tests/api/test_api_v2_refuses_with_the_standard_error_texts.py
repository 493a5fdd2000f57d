"""Every refusal is {"error": text} with HTTP 200 and the standard text of docs/api-v2.md, whichever way
the call came; a refused call changes no balance and no order."""

import pytest

from billing.selectors import balance_amount
from catalog.models import Service
from orders.models import Order
from panel.apikeys import api_key_revoke
from tests.api.conftest import VIAS
from tests.reseller_apis import money_state


@pytest.fixture
def refused(api):
    """refused(params, via) -> the error text, checking the shape and that nothing changed."""

    def call(params, via="form") -> str:
        before = money_state()
        reply = api(params, via)
        assert reply.status_code == 200
        answer = reply.json()
        assert list(answer) == ["error"], answer
        assert money_state() == before
        return answer["error"]

    return call


@pytest.mark.parametrize("via", VIAS)
def test_a_missing_wrong_or_revoked_key_is_an_invalid_api_key(via, refused, make_reseller):
    gone = make_reseller()
    api_key_revoke(customer=gone.customer)
    assert refused({"action": "balance"}, via) == "Invalid API key"
    assert refused({"key": "", "action": "balance"}, via) == "Invalid API key"
    assert refused({"key": "0" * 64, "action": "balance"}, via) == "Invalid API key"
    assert refused({"key": gone.key, "action": "balance"}, via) == "Invalid API key"


def test_the_key_of_a_deactivated_customer_is_an_invalid_api_key(refused, reseller):
    reseller.customer.is_active = False
    reseller.customer.save()
    assert refused({"key": reseller.key, "action": "balance"}) == "Invalid API key"


@pytest.mark.parametrize("via", VIAS)
def test_a_missing_or_unknown_action_is_an_incorrect_request(via, refused, reseller):
    for params in (
        {},
        {"action": ""},
        {"action": "withdraw"},
        {"action": "Balance"},
        {"action": "services "},
    ):
        assert refused({"key": reseller.key, **params}, via) == "Incorrect request"


@pytest.mark.parametrize("via", VIAS)
def test_add_refuses_with_the_standard_texts(via, refused, catalog, default_service, make_reseller, new_link):
    rich, poor = make_reseller("100"), make_reseller("0.01")
    disabled = Service.objects.get(provider_service_id=2)
    Service.objects.filter(pk=disabled.pk).update(enabled=False)
    ok = {
        "key": rich.key,
        "action": "add",
        "service": default_service.pk,
        "link": new_link(),
        "quantity": 100,
    }

    assert refused({**ok, "service": 999999}, via) == "Incorrect service ID"
    assert refused({**ok, "service": "abc"}, via) == "Incorrect service ID"
    assert refused({**ok, "service": disabled.pk}, via) == "Incorrect service ID"
    del ok["service"]
    assert refused(ok, via) == "Incorrect service ID"
    ok["service"] = default_service.pk
    assert refused({**ok, "key": poor.key}, via) == "Not enough funds on balance"
    assert refused({**ok, "quantity": 10}, via) == "Quantity less than minimal 50"
    assert refused({**ok, "quantity": 10001}, via) == "Quantity more than maximum 10000"
    assert refused({**ok, "quantity": -5}, via) == "Quantity less than minimal 50"
    assert refused({**ok, "quantity": "many"}, via) == "Incorrect request: quantity must be a whole number"
    assert refused({**ok, "quantity": ""}, via) == "Incorrect request: quantity is required"
    assert refused({**ok, "link": "not a link"}, via) == "Bad link"
    assert refused({**ok, "link": "javascript:alert(1)"}, via) == "Bad link"
    no_link = dict(ok)
    del no_link["link"]
    assert refused(no_link, via) == "Bad link"


def test_a_second_active_order_on_a_link_is_refused(api, refused, default_service, reseller, new_link):
    params = {
        "key": reseller.key,
        "action": "add",
        "service": default_service.pk,
        "link": new_link(),
        "quantity": 100,
    }
    assert "order" in api(params).json()
    assert refused(params) == "You have active order with this link. Please wait until order being completed."


@pytest.mark.parametrize("via", VIAS)
def test_unknown_order_and_refill_ids_are_refused(via, refused, reseller):
    key = reseller.key
    for order in ("999999", "0", "-1", "abc", "1.5", "9" * 30, " "):
        assert refused({"key": key, "action": "status", "order": order}, via) == "Incorrect order ID"
        assert refused({"key": key, "action": "refill", "order": order}, via) == "Incorrect order ID"
        assert refused({"key": key, "action": "refill_status", "refill": order}, via) == "Refill not found"


def test_refill_disabled_for_the_service(refused, completed_order, reseller, catalog):
    no_refill = Service.objects.get(provider_service_id=2)  # neither refill nor cancel
    order = completed_order(customer=reseller.customer, service=no_refill)
    params = {"key": reseller.key, "action": "refill", "order": order.pk}
    assert refused(params) == "Refill is disabled for this service"


def test_cancel_disabled_comes_per_order(api, place_order, reseller, catalog):
    no_cancel = Service.objects.get(provider_service_id=2)
    queued = place_order(customer=reseller.customer, service=no_cancel)
    before = money_state()
    answer = api({"key": reseller.key, "action": "cancel", "orders": str(queued.pk)}).json()
    assert answer == [{"order": queued.pk, "cancel": {"error": "Cancel is disabled for this service"}}]
    assert money_state() == before


@pytest.mark.parametrize("via", VIAS)
def test_malformed_id_lists_are_incorrect_requests(via, refused, reseller):
    key = reseller.key
    for action, name in (
        ("status", "orders"),
        ("refill", "orders"),
        ("refill_status", "refills"),
        ("cancel", "orders"),
    ):
        assert (
            refused({"key": key, "action": action, name: ",".join(["7"] * 101)}, via) == "Incorrect request"
        )
        assert refused({"key": key, "action": action, name: ""}, via) == "Incorrect request"
        assert refused({"key": key, "action": action, name: " , ,"}, via) == "Incorrect request"
        assert refused({"key": key, "action": action}, via) == "Incorrect request"
    # Both forms at once: which one was meant is unknown.
    assert (
        refused({"key": key, "action": "status", "order": "1", "orders": "1,2"}, via) == "Incorrect request"
    )
    # cancel has only the list form.
    assert refused({"key": key, "action": "cancel", "order": "1"}, via) == "Incorrect request"


@pytest.mark.parametrize("via", ["get", "form", "multipart"])
def test_a_repeated_parameter_is_an_incorrect_request(via, refused, reseller):
    key = reseller.key
    assert refused({"key": [key, key], "action": "balance"}, via) == "Incorrect request"
    assert refused({"key": key, "action": ["balance", "balance"]}, via) == "Incorrect request"
    assert refused({"key": key, "action": "status", "order": ["1", "2"]}, via) == "Incorrect request"


def test_a_parameter_in_the_query_and_the_body_is_an_incorrect_request(client, reseller):
    reply = client.post(f"/api/v2?key={reseller.key}", {"key": reseller.key, "action": "balance"})
    assert reply.json() == {"error": "Incorrect request"}
    # Split between the two, each once, is fine.
    reply = client.post("/api/v2?action=balance", {"key": reseller.key})
    assert reply.json()["balance"] == "100.00000"


@pytest.mark.parametrize(
    "body",
    [
        b" ",
        b"not json",
        b"[1, 2]",
        b'"balance"',
        b"null",
        b'{"key": "K", "action": "balance"',
        b'{"key": "K", "action": ["balance"]}',
        b'{"key": "K", "action": {"name": "balance"}}',
        b'{"key": "K", "action": true}',
        b'{"key": "K", "action": "status", "order": false}',
        b'{"key": "K", "action": "status", "order": [1]}',
        b'{"key": "K", "action": "status", "order": {"id": 1}}',
        b'{"key": "K", "action": "status", "orders": [1, [2]]}',
        b'{"key": "K", "action": "status", "orders": [true]}',
        b'{"key": "K", "action": "add", "service": 1, "quantity": NaN}',
        b'{"key": "K", "action": "add", "service": 1, "quantity": Infinity}',
        b'{"key": "K", "key": "K", "action": "balance"}',
        b'{"key": "K", "action": "balance", "x": "\\u0000"}',
        b'{"key": "K", "action": "balance", "x": "\\ud800"}',
        b"[" * 100_000,
        b'{"key": "K", "action": "add", "service": 1, "quantity": 1' + b"0" * 5000 + b"}",
        b"\xff\xfe\x00garbage",
    ],
)
def test_a_json_body_that_is_not_an_object_of_scalars_is_an_incorrect_request(body, client, reseller):
    before = money_state()
    reply = client.post(
        "/api/v2", body.replace(b'"K"', f'"{reseller.key}"'.encode()), content_type="application/json"
    )
    assert reply.status_code == 200
    assert reply.json() == {"error": "Incorrect request"}
    assert money_state() == before


def test_a_post_without_a_body_reads_the_query(live_server, reseller):
    import requests

    url = f"{live_server.url}/api/v2?key={reseller.key}&action=balance"
    reply = requests.post(url, headers={"Content-Type": "application/json"}, timeout=10)
    assert reply.json() == {"balance": "100.00000", "currency": "USD"}


def test_json_null_means_not_given(api, reseller, default_service, new_link):
    answer = api(
        {
            "key": reseller.key,
            "action": "add",
            "service": default_service.pk,
            "link": new_link(),
            "quantity": 100,
            "runs": None,
            "interval": None,
        },
        "json",
    ).json()
    assert Order.objects.get(pk=answer["order"]).params.get("runs") is None


def test_other_methods_are_incorrect_requests(client, reseller):
    for method in ("put", "patch", "delete"):
        reply = getattr(client, method)(f"/api/v2?key={reseller.key}&action=balance")
        assert reply.status_code == 200
        assert reply.json() == {"error": "Incorrect request"}


def test_a_refused_order_leaves_the_balance_alone(refused, reseller, default_service):
    before = balance_amount(customer_id=reseller.customer.pk)
    params = {
        "key": reseller.key,
        "action": "add",
        "service": default_service.pk,
        "link": "x",
        "quantity": 100,
    }
    assert refused(params) == "Bad link"
    assert balance_amount(customer_id=reseller.customer.pk) == before
    assert not Order.objects.exists()
