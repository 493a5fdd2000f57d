"""An outage of the database or Redis answered 503 with a clear message, never a 500 page with
a traceback.

While PostgreSQL restarts (or is gone), any query raises OperationalError or InterfaceError
(Redis: redis-py's ConnectionError or TimeoutError from the cache, kombu's OperationalError),
in a view or in a middleware (the session, the user, the staff two-factor check). Django turns
such an exception into a 500 at the layer that raised it (DEBUG: the traceback page), before any
outer middleware sees the exception. So the `got_request_exception` signal, sent while the
exception is being handled, marks the request, and DatabaseOutageMiddleware, outermost but for
the request id, replaces that answer with a 503: JSON for the APIs, a plain page for the site.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
_MARK = "_panel_outage"
_MESSAGE = "The panel cannot reach its {} right now; this is temporary. Please try again in a minute."


def outage_of(exc: BaseException | None) -> str | None:
    """What `exc` says is down ("database", "cache"), or None if it is no outage."""
    if isinstance(exc, OperationalError | InterfaceError):
        return "database"
    if isinstance(exc, RedisConnectionError | RedisTimeoutError | BrokerError):
        return "cache and task queue"
    return None


@receiver(got_request_exception)
def _mark_outage(sender, request: HttpRequest | None = None, **kwargs) -> None:
    down = outage_of(sys.exc_info()[1])
    if request is not None and down is not None:
        setattr(request, _MARK, down)


def outage_response(request: HttpRequest, *, down: str) -> HttpResponse:
    """The 503 for `request` while `down` is unreachable: its API's JSON shape, or the site's page."""
    message = _MESSAGE.format(down)
    path = request.path_info
    if path.startswith("/api/rest/"):
        body = {"error": {"code": "service_unavailable", "message": message, "field": None, "fields": {}}}
        response: HttpResponse = JsonResponse(body, status=503)
    elif path.startswith("/api/") or path == "/healthz":
        response = JsonResponse({"error": message}, status=503)
    else:
        page = render_to_string("outage.html", {"message": message, "panel_name": settings.PANEL_NAME})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        down = getattr(request, _MARK, None)
        if down is not None:
            log.warning("%s unreachable: %s %s answered 503", down, request.method, request.path_info)
            return outage_response(request, down=down)
        return response
