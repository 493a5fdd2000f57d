"""The customer's webhooks: a section of the API page, and a page per endpoint with its delivery log.

Thin: each POST calls one service and redirects. Everything is scoped to request.user: another
customer's endpoint is a 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from webhooks import selectors, services
from webhooks.forms import EndpointForm
from webhooks.models import MAX_ENDPOINTS_PER_CUSTOMER
from webhooks.signing import VERIFY_RECIPE

DELIVERIES_PER_PAGE = 25


def section_context(*, customer) -> dict[str, Any]:
    """What the API page's Webhooks section shows (one query)."""
    endpoints = list(selectors.endpoints_of(customer=customer))
    full = selectors.endpoint_limit_reached(endpoints=len(endpoints))
    return {
        "webhook_endpoints": endpoints,
        "webhook_form": None if full else EndpointForm(),
        "webhook_limit": MAX_ENDPOINTS_PER_CUSTOMER,
        "webhook_recipe": VERIFY_RECIPE,
        "webhook_max_attempts": settings.WEBHOOKS_MAX_ATTEMPTS,
    }


def _to_section() -> HttpResponse:
    return redirect(reverse("account_api") + "#webhooks")


@login_required
@require_POST
def endpoint_add(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["url"]))
        return _to_section()
    try:
        services.webhook_endpoint_create(customer=request.user, url=form.cleaned_data["url"])
    except services.WebhookRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Endpoint added. Check the signature of what it receives with its secret.")
    return _to_section()


# POST `do=...`: what each button does, and what the page then says.
_ACTIONS = {
    "rotate": (services.webhook_endpoint_rotate_secret, "A new secret is in use from now on."),
    "test": (services.webhook_test_send, "A test event is on its way."),
    "disable": (services.webhook_endpoint_disable, "Endpoint disabled: it gets no more events."),
    "enable": (services.webhook_endpoint_enable, "Endpoint enabled: it gets events from now on."),
    "delete": (services.webhook_endpoint_delete, "Endpoint deleted, with its delivery log."),
}


@login_required
@never_cache  # the page shows the signing secret
@require_http_methods(["GET", "POST"])
def endpoint_page(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the endpoint and its delivery log, newest first. POST `do`: one of _ACTIONS."""
    endpoint = get_object_or_404(selectors.endpoints_of(customer=request.user), pk=pk)
    if request.method == "POST":
        what = request.POST.get("do", "")
        if what not in _ACTIONS:
            return HttpResponseBadRequest("Unknown request")
        service, done = _ACTIONS[what]
        try:
            service(endpoint=endpoint)
        except services.WebhookRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, done)
        if what == "delete":
            return _to_section()
        return redirect("webhooks:endpoint", pk=endpoint.pk)
    deliveries = selectors.delivery_log(endpoint_id=endpoint.pk)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(delivery, json.dumps(delivery.payload, indent=2, sort_keys=True)) for delivery in page]
    return render(request, "webhooks/endpoint.html", {"endpoint": endpoint, "page": page, "rows": rows})
