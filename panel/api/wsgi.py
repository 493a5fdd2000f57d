"""A lean way in for API v2: /api/v2 skips the middleware that serve the site, not the API.

API v2 is called by programs with a key in the parameters, never with a session, a CSRF token, a
login, flash messages, htmx or static files; yet the site's middleware stack cost each call
about 0.5 ms of CPU (a tenth of an `add`; benchmarks/intake.py). panel.wsgi sends requests for
exactly the API's paths to ApiHandler, a Django handler like the site's (same URLs, view,
signals, error handling) whose stack is settings.API_MIDDLEWARE: the request id, and the
security headers that mean something for JSON (HTTPS redirect and HSTS, nosniff, referrer
policy, frame options, CSP). Everything else goes to the site's handler unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string

from panel.api.urls import API_V2_PATHS


class ApiHandler(WSGIHandler):
    """WSGIHandler with settings.API_MIDDLEWARE instead of settings.MIDDLEWARE (sync only)."""

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler.load_middleware for a synchronous stack, from another list.
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(settings.API_MIDDLEWARE):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def with_lean_api(site: WSGIApp) -> WSGIApp:
    """`site`, with requests for API v2's own paths answered by an ApiHandler."""
    api = ApiHandler()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in API_V2_PATHS:
            return api(environ, start_response)
        return site(environ, start_response)

    return application
