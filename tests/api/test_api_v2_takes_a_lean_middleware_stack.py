"""panel.wsgi answers /api/v2 through settings.API_MIDDLEWARE only (no session, CSRF, auth,
messages...): the same answers, the security headers that apply to JSON, and nothing of the
site's; every other path keeps the site's whole stack."""

import io
from urllib.parse import urlencode

import pytest
from django.core import signals
from django.db import close_old_connections

from panel.wsgi import application


@pytest.fixture
def wsgi():
    """wsgi(path, params) -> (status, headers): one request through panel.wsgi.application."""
    # As Django's test client does: the request's start and end must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    def call(path: str, params: dict[str, str] | None = None) -> tuple[str, dict[str, str], bytes]:
        body = urlencode(params or {}).encode()
        environ = {
            "REQUEST_METHOD": "POST" if params else "GET",
            "PATH_INFO": path,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "HTTP_HOST": "localhost",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
        }
        started: dict = {}

        def start_response(status, headers, exc_info=None):
            started.update(status=status, headers=dict(headers))

        answer = application(environ, start_response)
        content = b"".join(answer)
        answer.close()
        return started["status"], started["headers"], content

    yield call
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("path", ["/api/v2", "/api/v2/"])
def test_the_api_answers_with_security_headers_and_nothing_of_the_site(wsgi, reseller, path):
    status, headers, content = wsgi(path, {"key": reseller.key, "action": "balance"})
    assert status.startswith("200")
    assert b'"balance"' in content
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == str(len(content))
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in headers
    assert "X-Request-ID" in headers
    assert "no-cache" in headers["Cache-Control"]
    assert "Set-Cookie" not in headers  # no session, no CSRF cookie
    assert "Cookie" not in headers.get("Vary", "")


def test_a_bad_key_is_refused_the_same_way(wsgi, db):
    status, _, content = wsgi("/api/v2", {"key": "nope", "action": "balance"})
    assert status.startswith("200")
    assert content == b'{"error": "Invalid API key"}'


def test_the_site_keeps_its_whole_stack(wsgi, db):
    status, headers, _ = wsgi("/login/")
    assert status.startswith("200")
    assert "csrftoken" in headers.get("Set-Cookie", "")  # CSRF middleware ran
    assert "Content-Security-Policy" in headers


def test_the_lean_stack_is_a_subset_of_the_sites():
    from django.conf import settings

    assert set(settings.API_MIDDLEWARE) < set(settings.MIDDLEWARE)
    assert "django.middleware.security.SecurityMiddleware" in settings.API_MIDDLEWARE
