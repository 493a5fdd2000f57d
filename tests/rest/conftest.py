"""The REST API against a live provider simulator: the fixtures it shares with API v2's suite (the
simulator, its provider and catalog, resellers with money and a key, orders placed, sent or
completed), and `rest`, a caller through the Django test client that sends the reseller's key and
JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from panel.api.definitions import ADD_PARAMS, Kind
from tests import bulk

# Shared with API v2's suite (tests/reseller_apis.py); the root conftest has the simulator,
# provider, catalog, customers, resellers, and sent and completed orders.
from tests.reseller_apis import (  # noqa: F401
    Reseller,
    _fresh_limits,
    _live_server_closes_its_connections,
    place_order,
    valid_add_params,
)

BASE = "/api/rest"


def rest_body(service, link: str) -> dict[str, Any]:
    """valid_add_params as a REST body: numbers as numbers, lists as arrays."""
    body: dict[str, Any] = {"service": service.pk}
    for name, value in valid_add_params(service, link).items():
        kind = ADD_PARAMS[name].kind
        body[name] = int(value) if kind == Kind.NUMBER else value.split("\n") if kind == Kind.LINES else value
    return body


class Rest:
    """Calls to the REST API as one reseller; `key=None` sends none, `key="..."` another."""

    def __init__(self, client: Client, key: str) -> None:
        self.client, self.key = client, key

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: Any = ...,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        key = self.key if key is ... else key
        sent = dict(headers or {})
        if key is not None:
            sent.setdefault("Authorization", f"Bearer {key}")
        url = path if path.startswith("/") else f"{BASE}/{path}"
        data = "" if body is None else json.dumps(body)
        if query:
            return self.client.get(url, query, headers=sent)
        return self.client.generic(method, url, data, content_type="application/json", headers=sent)

    def get(self, path: str, **query: Any) -> Any:
        return self("GET", path, query=query or None)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self("POST", path, body, **kwargs)


@pytest.fixture
def rest(client, reseller) -> Rest:
    return Rest(client, reseller.key)


@pytest.fixture
def as_reseller(client) -> Callable[[Reseller], Rest]:
    """as_reseller(reseller): a caller with that reseller's key."""
    return lambda someone: Rest(client, someone.key)


@pytest.fixture
def exact_query_count(settings, rest) -> None:
    """`rest` calls from here on run the same queries on every run (tests.bulk.exact_query_count)."""
    bulk.exact_query_count(settings, lambda: rest.get("balance/"))


def error_of(response: Any) -> dict[str, Any]:
    """The `error` object of an error answer, checked to be in the one shape every error has."""
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = response.json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"code", "message", "field", "fields"}, error
    return error
