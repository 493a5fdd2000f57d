"""The API page (`/account/api/`): the documentation, public as Perfect Panel's is, and for a
signed-in customer the key and webhooks."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods

from panel.api.definitions import COMMON_ERRORS, MAX_IDS
from panel.api.docs import LANGUAGES, api_docs
from panel.apikeys import api_key_create, api_key_revoke
from panel.models import ApiKey
from webhooks.views import section_context as webhooks_section


def _creates_a_key(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("do") == "create"


@never_cache  # the page that shows a new key must never be kept by a browser or a proxy
@require_http_methods(["GET", "POST"])
def api_page(request: HttpRequest) -> HttpResponse:
    """A visitor reads the docs (the panel's URL, a placeholder key, placeholder service ids: the
    catalog may not be public); only key management needs a login."""
    if request.user.is_authenticated:
        return _key_page(request)
    if request.method == "POST":
        return redirect_to_login(request.get_full_path())
    return render(request, "api/page.html", _docs_context(request, customer=None, key=None))


def _docs_context(request: HttpRequest, *, customer, key: str | None) -> dict:
    url = request.build_absolute_uri(reverse("api_v2"))
    return {
        "api_url": url,
        "openapi_url": request.build_absolute_uri(reverse("api_v2_openapi")),
        # A new key fills the examples of this response only: later visits show its prefix.
        "actions": api_docs(url=url, customer=customer, key=key),
        "languages": LANGUAGES,
        "common_errors": COMMON_ERRORS,
        "max_ids": MAX_IDS,
        "rate_limit": settings.API_RATE_LIMIT_PER_MINUTE,
    }


# A key outlives the session: a stolen session cookie must not be enough to mint one. allauth
# asks for the password again (unless typed in the last minutes) and then runs the kept POST.
@reauthentication_required(enabled=_creates_a_key)
@sensitive_variables("raw")
def _key_page(request: HttpRequest) -> HttpResponse:
    """GET: the key's prefix and dates, and the docs. POST `do=create`: a new key (the old one is
    revoked), shown on this response only. POST `do=revoke`: no key any more."""
    raw = None
    if request.method == "POST":
        what = request.POST.get("do")
        if what == "create":
            _, raw = api_key_create(customer=request.user)
        elif what == "revoke":
            if api_key_revoke(customer=request.user):
                messages.success(request, "Your API key was revoked: calls with it are refused from now on.")
            return redirect("account_api")
        else:
            return HttpResponseBadRequest("Unknown request")
    key = ApiKey.objects.filter(customer=request.user, revoked_at__isnull=True).first()
    return render(
        request,
        "api/page.html",
        {
            "key": key,
            "new_key": raw,
            **_docs_context(request, customer=request.user, key=raw),
            **webhooks_section(customer=request.user),
        },
    )
