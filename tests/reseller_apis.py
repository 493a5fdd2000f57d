"""What the suites of the two APIs resellers call share (API v2 in tests/api, the REST API in
tests/rest): plain helpers, and the fixtures both suites' conftests import from here rather than
from each other. They are not in the root conftest because they would change other suites: two
clear the limits or adjust the live server for every test, and `place_order` sends what each
service type needs, where the root's sends a link and ten times the least quantity.

The reseller fixtures themselves (`make_reseller`, `reseller`) are the root conftest's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from billing.models import Balance, LedgerEntry
from catalog.models import Service, ServiceType
from orders.models import Order, Refill
from orders.services.params import FIELDS
from orders.services.placing import order_place
from panel.api.definitions import ADD_PARAMS, Kind
from panel.models import User
from panel.ratelimit import rate_limits_reset


@dataclass
class Reseller:
    customer: User
    key: str


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


def money_state() -> dict[str, Any]:
    """Everything an API call could change: balances, ledger, orders, refills."""
    return {
        "balances": sorted(Balance.objects.values_list("customer_id", "amount")),
        "ledger": LedgerEntry.objects.count(),
        "orders": sorted(Order.objects.values_list("pk", "status", "submission", "refunded", "cancel_state")),
        "refills": sorted(Refill.objects.values_list("pk", "status", "submission")),
    }


# -- fixtures (imported by tests/api/conftest.py and tests/rest/conftest.py) ----------------------


@pytest.fixture(autouse=True)
def _fresh_limits():
    """Rate-limit hits (panel.ratelimit) and cached keys live beyond a test: every test starts with none."""
    cache.clear()
    rate_limits_reset()
    yield
    cache.clear()
    rate_limits_reset()


@pytest.fixture(autouse=True)
def _live_server_closes_its_connections(request, monkeypatch):
    """The live server's threads keep their database connection between keep-alive requests
    (CONN_MAX_AGE); at the end of the session those would hold the test database open."""
    if "live_server" in request.fixturenames:
        from django.db import connection

        monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)


@pytest.fixture
def place_order(make_customer, default_service, new_link, django_capture_on_commit_callbacks):
    """place_order(customer=None, service=None, quantity=None): placed and charged, not sent, with
    valid_add_params (the root conftest's sent_order and completed_order send it)."""

    def place(
        customer: User | None = None, service: Service | None = None, quantity: int | None = None
    ) -> Order:
        service = service or default_service
        params = valid_add_params(service, new_link())
        if quantity is not None:
            params["quantity"] = str(quantity)
        with django_capture_on_commit_callbacks(execute=False):
            return order_place(
                customer=customer or make_customer("1000"), service_id=service.pk, params=params
            )

    return place
