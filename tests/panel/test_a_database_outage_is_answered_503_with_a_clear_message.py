"""While PostgreSQL is down, every kind of request gets a 503 that says so, never a 500 page with a
traceback: the site a page, API v2 its `{"error": ...}`, the REST API its error shape (panel/outage.py).
Real gunicorn on a database URL whose port refuses connections."""

from __future__ import annotations

import pytest
import requests

from tests.panel.outage_server import serve_during_outage

MESSAGE = "cannot reach its database right now"


@pytest.fixture(params=["false", "true"], ids=["production", "debug"])
def panel_url(request, start_process) -> str:
    return serve_during_outage(start_process, DEBUG=request.param)


def test_a_signed_in_page_is_a_503_page_saying_the_database_is_unreachable(panel_url):
    # The session cookie makes the session and user middleware query before any view runs.
    reply = requests.get(f"{panel_url}/dashboard/", cookies={"sessionid": "x" * 32}, timeout=30)
    assert reply.status_code == 503
    assert reply.headers["Content-Type"].startswith("text/html")
    assert MESSAGE in reply.text
    assert "Traceback" not in reply.text and "OperationalError" not in reply.text
    assert reply.headers["Retry-After"] == "10"


def test_signing_in_is_a_503_too(panel_url):
    session = requests.Session()
    form = session.get(f"{panel_url}/login/", timeout=30)  # the form needs no database
    assert form.status_code == 200
    token = session.cookies["csrftoken"]
    reply = session.post(
        f"{panel_url}/login/",
        data={"csrfmiddlewaretoken": token, "login": "a@example.com", "password": "pw-12345-abc"},
        headers={"Referer": f"{panel_url}/login/"},
        timeout=30,
    )
    assert reply.status_code == 503
    assert MESSAGE in reply.text and "Traceback" not in reply.text


def test_an_api_v2_call_is_a_503_with_its_json_error(panel_url):
    reply = requests.post(f"{panel_url}/api/v2", data={"key": "k" * 32, "action": "balance"}, timeout=30)
    assert reply.status_code == 503
    assert MESSAGE in reply.json()["error"]


def test_a_rest_call_is_a_503_with_its_error_shape(panel_url):
    reply = requests.get(f"{panel_url}/api/rest/orders/", headers={"X-API-Key": "k" * 32}, timeout=30)
    assert reply.status_code == 503
    error = reply.json()["error"]
    assert error["code"] == "service_unavailable"
    assert MESSAGE in error["message"]
