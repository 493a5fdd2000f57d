"""API v2 against a live provider simulator: a provider row pointing at it, its catalog imported,
resellers (customers with money and an API key), and callers over the Django test client or
real HTTP (`live_server`), in each of the ways a request may come: GET, POST form, POST
multipart and POST JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from django.test import Client

from tests import bulk

# Shared with the REST API's suite (tests/reseller_apis.py); the root conftest has the simulator,
# provider, catalog, customers, resellers, and sent and completed orders.
from tests.reseller_apis import _fresh_limits, _live_server_closes_its_connections, place_order  # noqa: F401

API_PATH = "/api/v2"
# The ways a call can come; "multipart" is a POST form as multipart/form-data.
VIAS = ("get", "form", "multipart", "json")


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


# -- the API page ---------------------------------------------------------------------------------

API_PAGE = "/account/api/"


@pytest.fixture
def browser(customer):
    """A signed-in browser that enforces CSRF, as a real one does, and has just given its password
    again (creating a key asks for it); `post` sends the token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    client.get("/account/reauthenticate/")
    client.post(
        "/account/reauthenticate/",
        {"password": "correct-horse-42", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )

    def post(data):
        client.get(API_PAGE)
        return client.post(API_PAGE, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    client.post_with_token = post
    return client


def shown_key(response) -> str | None:
    """The new key the API page shows once, or None."""
    found = re.search(r'id="new-api-key">([0-9a-f]{64})<', response.content.decode())
    return found[1] if found else None
