"""Staff reach the admin only with a second factor (STAFF_REQUIRE_2FA).

A middleware rather than a hook on the admin site: it sees every path under /admin/, the
admin's own views, ours mounted beside them (the dashboard) and its catch-all alike, before any
view runs, so a GET and a POST (an action) are stopped the same way. Other paths are untouched:
the two-factor setup under /account/2fa/, sign out, static files, the customer site and the
APIs (API v2 runs its own middleware list and never gets here).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from panel.csp import admin_prefix
from panel.services import staff_needs_two_factor

MESSAGE = (
    "Staff need two-factor authentication to use the admin: activate an authenticator app "
    "or add a passkey below, then open the admin again."
)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(admin_prefix())
            and request.path != reverse("admin:logout")
            and staff_needs_two_factor(user=request.user)
        ):
            messages.warning(request, MESSAGE)
            return HttpResponseRedirect(reverse("mfa_index"))
        return self.get_response(request)
