"""Schemathesis drives every operation of `/api/rest/schema/` in process, as a reseller with funds,
a catalog and orders: valid and invalid requests generated from the schema. No answer is a
server error, each status is one the operation documents, and each body and header matches its
schema. Derandomized with a fixed number of examples: the same requests on every run."""

import itertools
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from orders.models import Refill
from panel.wsgi import application
from payments.models import Payment
from support.services import ticket_open
from tests.rest.conftest import rest_body
from webhooks.services import webhook_endpoint_create

_links = itertools.count(1)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def known(reseller, catalog, completed_order, sent_order, place_order) -> dict[str, list]:
    """The reseller's objects by resource, for generated ids to land on now and then."""
    completed = [completed_order(customer=reseller.customer) for _ in range(2)]
    orders = [*completed, sent_order(customer=reseller.customer), place_order(customer=reseller.customer)]
    return {
        "orders": [order.pk for order in orders],
        "refills": [Refill.objects.create(order=completed[0]).pk],
        # A payment's row alone: the answers' shapes are checked, no gateway is asked.
        "payments": [
            Payment.objects.create(
                customer=reseller.customer,
                gateway="stripe",
                amount=10,
                fee=1,
                pay_amount=11,
                pay_currency="USD",
            ).pk
        ],
        "services": list(catalog.values()),
        # Nothing listens there: a test event only queues a delivery (sent after commit, never here).
        "webhooks": [webhook_endpoint_create(customer=reseller.customer, url="http://127.0.0.1:9/hook")],
        "tickets": [
            ticket_open(
                customer=reseller.customer,
                subject="other",
                message="A question",
                site_url="http://testserver",
            )
        ],
    }


def _document() -> dict:
    """The schema `/api/rest/schema/` serves (a test below holds them equal), made without a
    request: schemathesis's fixture-based loading needs pytest internals that pytest 9.2 dropped."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture
def app(db, settings):
    """The panel's WSGI app, as gunicorn serves it, answering in this test's transaction."""
    # Hundreds of calls in a minute: more than a key may make in production.
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    # Django closes a connection that is in a transaction at the start and end of a request:
    # here, that would end the test's. Its test client unhooks the same signal handler.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_schema_tested_is_the_one_served(client):
    assert client.get("/api/rest/schema/", {"format": "json"}).json() == DOCUMENT


def _land_on_known_objects(case, known) -> None:
    """Aim some of the generated requests at the caller's own objects, so that the answers about
    them are checked too, not only 404s and refusals: an even id becomes one of the caller's; an
    order whose service is a multiple of 4 becomes a valid order of a catalog service (its
    Idempotency-Key stays as generated), and one whose service is otherwise even gets a real
    service with the generated parameters."""
    ids = case.path_parameters or {}
    if isinstance(ids.get("id"), int) and ids["id"] % 2 == 0:
        resource = case.path.removeprefix("/api/rest/").split("/")[0]
        objects = known[resource]
        chosen = objects[ids["id"] // 2 % len(objects)]
        ids["id"] = getattr(chosen, "pk", chosen)
    service = case.body.get("service") if isinstance(case.body, dict) else None
    if isinstance(service, int) and service % 2 == 0:
        chosen = known["services"][service // 2 % len(known["services"])]
        if service % 4 == 0:
            case.body = rest_body(chosen, f"https://instagram.com/p/schemathesis{next(_links)}")
        else:
            case.body["service"] = chosen.pk


@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_every_answer_is_documented_and_none_is_a_server_error(case, app, reseller, known):
    _land_on_known_objects(case, known)
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {reseller.key}"}, checks=CHECKS)
