"""A Content-Security-Policy header on every response (Django 5.2 has none built in).

The customer site runs no inline script or style: htmx is a static file configured by a meta
tag, so `script-src 'self'` holds. The admin gets CONTENT_SECURITY_POLICY_ADMIN, which allows
inline style attributes (its templates use a few) and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            policy = settings.CONTENT_SECURITY_POLICY
            if request.path.startswith(admin_prefix()):
                policy = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", policy)
            if policy:
                response[HEADER] = policy
        return response


def admin_prefix() -> str:
    """The admin's URL prefix (/admin/), or a prefix no path has when the admin is not mounted."""
    try:
        return reverse("admin:index")
    except Exception:
        return "\0"
