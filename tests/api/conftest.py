"""API v2 against a live provider simulator: a provider row pointing at it, its catalog imported,
resellers (customers with money and an API key), and callers over the Django test client or
real HTTP (`live_server`), in each of the ways a request may come: GET, POST form, POST
multipart and POST JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from django.core.cache import cache

from billing.models import Balance, LedgerEntry
from catalog.models import Service, ServiceType
from orders.models import Order, Refill, Submission
from orders.services.forwarding import order_submit
from orders.services.params import FIELDS
from orders.services.placing import order_place
from panel.api.definitions import ADD_PARAMS, Kind
from panel.apikeys import api_key_create
from panel.models import User
from tests import bulk

API_PATH = "/api/v2"
# The ways a call can come; "multipart" is a POST form as multipart/form-data.
VIAS = ("get", "form", "multipart", "json")


@pytest.fixture(autouse=True)
def _fresh_limits():
    """Rate-limit counters live in the (process-wide) cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _live_server_closes_its_connections(request, monkeypatch):
    """The live server's threads keep their database connection between keep-alive requests
    (CONN_MAX_AGE); at the end of the session those would hold the test database open."""
    if "live_server" in request.fixturenames:
        from django.db import connection

        monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)


@dataclass
class Reseller:
    customer: User
    key: str


@pytest.fixture
def make_reseller(make_customer):
    def make(funds: Decimal | str = "100") -> Reseller:
        customer = make_customer(funds)
        _, key = api_key_create(customer=customer)
        return Reseller(customer, key)

    return make


@pytest.fixture
def reseller(make_reseller) -> Reseller:
    return make_reseller("100")


def valid_add_params(service: Service, link: str) -> dict[str, str]:
    """Parameters of `add` that `service` accepts: the least it allows of everything."""
    counted = {
        ServiceType.CUSTOM_COMMENTS: "comments",
        ServiceType.MENTIONS_CUSTOM_LIST: "usernames",
        ServiceType.COMMENT_REPLIES: "comments",
    }.get(service.service_type)
    params: dict[str, str] = {}
    for name in FIELDS[service.service_type]:
        param = ADD_PARAMS[name]
        if not param.required:
            continue
        if name in ("link", "media"):
            params[name] = link
        elif name in ("quantity", "min", "max"):
            params[name] = str(service.min_quantity)
        elif name == counted:
            params[name] = "\n".join(f"{name} {i}" for i in range(service.min_quantity))
        elif param.kind == Kind.LINES:
            params[name] = f"{name} one\n{name} two"
        elif name == "posts":
            params[name] = "2"
        else:
            params[name] = param.example
    return params


@pytest.fixture
def place_order(make_customer, default_service, new_link, django_capture_on_commit_callbacks):
    """place_order(customer=None, service=None): placed and charged, not sent."""

    def place(customer: User | None = None, service: Service | None = None) -> Order:
        service = service or default_service
        with django_capture_on_commit_callbacks(execute=False):
            return order_place(
                customer=customer or make_customer("1000"),
                service_id=service.pk,
                params=valid_add_params(service, new_link()),
            )

    return place


@pytest.fixture
def sent_order(place_order):
    """sent_order(customer=None, service=None): placed and sent to the simulator."""

    def send(customer: User | None = None, service: Service | None = None) -> Order:
        order = place_order(customer=customer, service=service)
        assert order_submit(order_id=order.pk) == Submission.SENT
        order.refresh_from_db()
        return order

    return send


# -- callers --------------------------------------------------------------------------------------

Params = dict[str, Any]


@dataclass
class Reply:
    status_code: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _form_value(value: Any) -> Any:
    return value if isinstance(value, list) else str(value)


@pytest.fixture
def api(client) -> Callable[..., Reply]:
    """api(params, via="form"): one call through the Django test client (no HTTP)."""

    def call(params: Params, via: str = "form") -> Reply:
        if via == "get":
            response = client.get(API_PATH, {k: _form_value(v) for k, v in params.items()})
        elif via == "form":
            body = urlencode({k: _form_value(v) for k, v in params.items()}, doseq=True)
            response = client.post(API_PATH, body, content_type="application/x-www-form-urlencoded")
        elif via == "multipart":
            response = client.post(API_PATH, {k: _form_value(v) for k, v in params.items()})
        elif via == "json":
            response = client.post(API_PATH, json.dumps(params), content_type="application/json")
        else:
            raise ValueError(via)
        return Reply(response.status_code, response.headers, response.content)

    return call


@pytest.fixture
def live_api(live_server) -> Callable[..., Reply]:
    """live_api(params, via="form"): one call over real HTTP to the live server."""
    url = live_server.url + API_PATH
    session = requests.Session()

    def call(params: Params, via: str = "form") -> Reply:
        values = {k: _form_value(v) for k, v in params.items()}
        if via == "get":
            response = session.get(url, params=values, timeout=30)
        elif via == "form":
            response = session.post(url, data=values, timeout=30)
        elif via == "multipart":
            fields = [
                (k, (None, item)) for k, v in values.items() for item in (v if isinstance(v, list) else [v])
            ]
            response = session.post(url, files=fields, timeout=30)
        elif via == "json":
            response = session.post(url, json=params, timeout=30)
        else:
            raise ValueError(via)
        return Reply(response.status_code, response.headers, response.content)

    yield call
    session.close()


@pytest.fixture
def exact_query_count(settings, api, reseller) -> None:
    """`api` calls from here on run the same queries on every run (tests.bulk.exact_query_count)."""
    bulk.exact_query_count(settings, lambda: api({"key": reseller.key, "action": "balance"}))


def money_state() -> dict[str, Any]:
    """Everything an API call could change: balances, ledger, orders, refills."""
    return {
        "balances": sorted(Balance.objects.values_list("customer_id", "amount")),
        "ledger": LedgerEntry.objects.count(),
        "orders": sorted(Order.objects.values_list("pk", "status", "submission", "refunded", "cancel_state")),
        "refills": sorted(Refill.objects.values_list("pk", "status", "submission")),
    }
