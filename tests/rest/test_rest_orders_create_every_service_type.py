"""`POST /orders/` places an order of every service type with the parameters of its type (lists as
JSON arrays) through order_place: charged as API v2 charges it, answered 201 with the order. A
parameter of another type, a missing or mistyped one, and each refusal of order_place is an error
with its stable code and the field it concerns; nothing is placed or charged."""

from decimal import Decimal

import pytest

from billing.selectors import balance_amount
from catalog.models import ServiceType
from orders.models import Order
from orders.services.params import FIELDS
from tests.reseller_apis import money_state, valid_add_params
from tests.rest.conftest import error_of, rest_body


@pytest.mark.parametrize("service_type", list(ServiceType))
def test_an_order_of_each_type_is_placed_and_charged_as_api_v2_does(
    rest, client, reseller, catalog, new_link, service_type, django_capture_on_commit_callbacks
):
    service = catalog[service_type]
    with django_capture_on_commit_callbacks(execute=False):
        response = rest.post("orders/", rest_body(service, new_link()))
        assert response.status_code == 201, response.content
        v2 = client.post(
            "/api/v2",
            {
                "key": reseller.key,
                "action": "add",
                "service": service.pk,
                **valid_add_params(service, new_link()),
            },
        )
    placed = Order.objects.get(pk=response.json()["id"])
    twin = Order.objects.get(pk=v2.json()["order"])
    assert (placed.service, placed.quantity, placed.charge) == (twin.service, twin.quantity, twin.charge)
    assert placed.params.keys() == twin.params.keys()

    body = response.json()
    assert body["service"] == service.pk and body["status"] == "Pending" and body["cancel"] is None
    assert body["charge"] == str(placed.charge) and len(body["charge"].split(".")[1]) == 5
    assert body["refunded"] == "0.00000" and body["currency"] == "USD"
    assert body["quantity"] == placed.quantity and body["remains"] == placed.quantity
    assert body["start_count"] is None and body["created_at"].endswith("Z")
    assert rest.get(f"orders/{placed.pk}/").json() == body
    assert balance_amount(customer_id=reseller.customer.pk) == Decimal("100") - placed.charge - twin.charge


def test_a_drip_feed_order_takes_runs_and_interval(rest, default_service, new_link):
    body = {**rest_body(default_service, new_link()), "quantity": 100, "runs": 3, "interval": 30}
    response = rest.post("orders/", body)
    assert response.status_code == 201, response.content
    assert response.json()["quantity"] == 300
    assert response.json()["params"] == {"link": body["link"], "quantity": 100, "runs": 3, "interval": 30}


@pytest.mark.parametrize(
    "change, code, field",
    [
        ({"comments": ["not", "for", "followers"]}, "invalid_parameter", "comments"),
        ({"runs": 2, "hashtag": "x"}, "invalid_parameter", "hashtag"),
        ({"link": None}, "bad_link", "link"),
        ({"quantity": "many"}, "invalid_parameter", "quantity"),
        ({"service": "one"}, "invalid_parameter", "service"),
        ({"link": "not a link"}, "bad_link", "link"),
        ({"quantity": 1}, "quantity_below_minimum", "quantity"),
        ({"quantity": 10**9}, "quantity_above_maximum", "quantity"),
        ({"service": 987654321}, "incorrect_service", "service"),
        ({"runs": 2}, "invalid_parameter", "interval"),
    ],
)
def test_a_wrong_parameter_is_a_400_naming_it(rest, default_service, new_link, change, code, field):
    body = {**rest_body(default_service, new_link()), **change}
    before = money_state()
    response = rest.post("orders/", {name: value for name, value in body.items() if value is not None})
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert (error["code"], error["field"]) == (code, field), error
    assert field in error["fields"]
    assert money_state() == before


def test_a_missing_required_parameter_is_named(rest, catalog, new_link):
    body = rest_body(catalog[ServiceType.POLL], new_link())
    del body["answer_number"]
    error = error_of(rest.post("orders/", body))
    assert (error["code"], error["field"]) == ("invalid_parameter", "answer_number")
    assert error["message"] == "Incorrect request: answer_number is required"


def test_not_enough_funds_is_a_402(rest, make_reseller, as_reseller, default_service, new_link):
    poor = as_reseller(make_reseller("0.001"))
    response = poor.post("orders/", rest_body(default_service, new_link()))
    assert response.status_code == 402
    assert error_of(response) == {"code": "not_enough_funds", "message": "Not enough funds on balance"}


def test_a_second_active_order_for_a_link_is_a_409(rest, default_service, new_link):
    body = rest_body(default_service, new_link())
    assert rest.post("orders/", body).status_code == 201
    response = rest.post("orders/", body)
    assert response.status_code == 409
    error = error_of(response)
    assert (error["code"], error["field"]) == ("active_order_with_link", "link")


@pytest.mark.parametrize(
    "body, content_type, status, code",
    [
        ("{not json", "application/json", 400, "parse_error"),
        ('["a list"]', "application/json", 400, "invalid_parameter"),
        ('{"service": 1, "link": "\\ud800"}', "application/json", 400, "parse_error"),
        ("[" * 100_000 + "]" * 100_000, "application/json", 400, "parse_error"),
        ("service=1&link=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        ('{"service": 1, "link": "' + "x" * 2_000_000 + '"}', "application/json", 413, "body_too_large"),
    ],
)
def test_a_body_that_is_not_a_json_object_of_fit_size_is_refused_cleanly(
    client, reseller, body, content_type, status, code
):
    response = client.post(
        "/api/rest/orders/",
        body,
        content_type=content_type,
        headers={"Authorization": f"Bearer {reseller.key}"},
    )
    assert response.status_code == status, response.content[:300]
    assert error_of(response)["code"] == code
    assert not Order.objects.exists()


@pytest.mark.parametrize("api_limit, django_limit", [(4096, 1024 * 1024), (1024 * 1024, 4096)])
def test_a_body_over_the_apis_limit_or_djangos_is_a_413(
    rest, default_service, new_link, settings, api_limit, django_limit
):
    # API_MAX_BODY_BYTES is the JSON parser's limit; DATA_UPLOAD_MAX_MEMORY_SIZE is Django's, met
    # as DRF reads request.body before it calls the parser.
    settings.API_MAX_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE = api_limit, django_limit
    body = rest_body(default_service, f"{new_link()}?{'x' * 10_000}")
    response = rest.post("orders/", body)
    assert response.status_code == 413, response.content[:300]
    assert error_of(response)["code"] == "body_too_large"
    assert not Order.objects.exists()


def test_a_content_length_that_is_not_a_number_reads_no_body(client, reseller, default_service, new_link):
    response = client.post(
        "/api/rest/orders/",
        rest_body(default_service, new_link()),
        content_type="application/json",
        headers={"Authorization": f"Bearer {reseller.key}", "Content-Length": "many"},
    )
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["field"]) == ("invalid_parameter", "service")
    assert not Order.objects.exists()


def test_every_type_lists_its_parameters_in_the_schema(client):
    schema = client.get("/api/rest/schema/?format=json").json()
    create = schema["components"]["schemas"]["OrderCreateRequest"]
    assert set(create["properties"]) == {"service"} | {name for names in FIELDS.values() for name in names}
    assert create["required"] == ["service"]
