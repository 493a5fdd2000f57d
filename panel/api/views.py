"""The API v2 front door (`/api/v2`) and its OpenAPI description (`/api/v2/openapi.json`).

The front door is thin: read the parameters (parsing), check the caller's address and key
(throttle, panel.apikeys), count the call, find the action and its form (definitions) and hand
them to the action (actions). Every answer is JSON with HTTP 200, errors as {"error": text}
(docs/api-v2.md): a malformed request is "Incorrect request", never a Django error page. Only a
bug in the panel gives a 500; no kind of input does.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET

from fraud.services import ACCOUNT_FROZEN
from panel.api import logs, throttle
from panel.api.actions import HANDLERS
from panel.api.definitions import ACTIONS, INCORRECT_REQUEST, INVALID_API_KEY, TOO_MANY_REQUESTS
from panel.api.openapi import openapi_document
from panel.api.parsing import Malformed, read_params

log = logging.getLogger("panel.api")
logs.install()


def _answer(answer: Any, *, retry_after: int | None = None) -> JsonResponse:
    # safe=False: several actions answer with a list.
    response = JsonResponse(answer, safe=False)
    # CommonMiddleware's job on the site; API v2's lean stack (panel.api.wsgi) has none, and a
    # length lets a client keep its connection without chunked encoding.
    response["Content-Length"] = str(len(response.content))
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@csrf_exempt  # called by other programs with a key, never by a browser with a session
@sensitive_post_parameters("key")
@sensitive_variables("params")
@never_cache
def api_v2(request: HttpRequest) -> JsonResponse:
    started = time.monotonic()
    try:
        params = read_params(request)
    except Malformed as why:
        log.info("api v2: incorrect request: %s", why)
        return _answer({"error": INCORRECT_REQUEST})

    try:
        customer = throttle.key_owner(request, params.get("key", ""), api="api v2")
    except throttle.KeyRefused as refused:
        if refused.retry_after is not None:
            return _answer({"error": TOO_MANY_REQUESTS}, retry_after=refused.retry_after)
        return _answer({"error": ACCOUNT_FROZEN if refused.frozen else INVALID_API_KEY})
    retry_after = throttle.over_limit(customer.pk, api="api v2")
    if retry_after is not None:
        return _answer({"error": TOO_MANY_REQUESTS}, retry_after=retry_after)

    name = params.get("action", "")
    action = ACTIONS.get(name)
    form = action.form_for(set(params)) if action is not None else None
    if action is None or form is None:
        log.info("api v2: customer %s: incorrect request: action %.40r", customer.pk, name)
        return _answer({"error": INCORRECT_REQUEST})
    try:
        answer = HANDLERS[action.name](customer, params, form, throttle.address_of(request))
    except Malformed as why:
        answer = {"error": INCORRECT_REQUEST}
        log.info("api v2: customer %s %s: incorrect request: %s", customer.pk, action.name, why)
    outcome = answer["error"] if isinstance(answer, dict) and "error" in answer else "ok"
    log.debug(
        "api v2: customer %s %s (%s): %s (%d ms)",
        customer.pk,
        action.name,
        form.title,
        outcome,
        (time.monotonic() - started) * 1000,
    )
    return _answer(answer)


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3 description of API v2, generated from panel.api.definitions."""
    document = openapi_document(
        server_url=request.build_absolute_uri("/").rstrip("/"), path=reverse("api_v2")
    )
    return JsonResponse(document, json_dumps_params={"indent": 2})
