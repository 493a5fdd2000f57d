"""The least an API v2 `add` can do and still be placed the way docs/design.md places an order, served by
the intake benchmark under the same gunicorn to show how near the panel's `add` is to it.

A Django view, through the same lean /api/v2 handler: the caller's key and rate count
(panel.api.throttle), the service as order_place reads it (catalog.selectors.service_for_sale), then
the raw-SQL baseline's three writes (benchmarks.intake) in one transaction, and the submit task
queued on commit (docs/design.md: "Submitting is queued on commit"). It leaves out what order_place
adds to that: parameter checks, pricing, the duplicate-link lock and the order's event row. Never
part of the panel: only `benchmarks.least_add_settings` routes to it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from benchmarks.intake import baseline_writes
from catalog.selectors import service_for_sale
from orders.tasks import submit_order
from panel.api import throttle
from panel.api.urls import API_V2_PATHS

CHARGE = Decimal("1.3")  # as the baseline charges


@csrf_exempt
def least_add(request: HttpRequest) -> JsonResponse:
    params = request.POST
    try:
        customer = throttle.key_owner(request, params.get("key", ""), api="least add")
    except throttle.KeyRefused:
        return _answer({"error": "Invalid API key"})
    if throttle.over_limit(customer.pk, api="least add") is not None:
        return _answer({"error": "Too many requests"})
    service = service_for_sale(service_id=int(params["service"]), customer_id=customer.pk)
    if service is None:
        return _answer({"error": "Incorrect service ID"})
    with transaction.atomic(), connection.cursor() as cursor:
        order_id = baseline_writes(
            cursor.cursor, service, customer_id=customer.pk, link=params["link"], charge=CHARGE
        )
        if order_id is None:
            return _answer({"error": "Not enough funds on balance"})
        transaction.on_commit(lambda: submit_order.delay(order_id))
    return _answer({"order": order_id})


def _answer(answer: dict) -> JsonResponse:
    response = JsonResponse(answer)
    response["Content-Length"] = str(len(response.content))  # kept-alive, as panel.api.views does
    return response


urlpatterns = [path(API_V2_PATHS[0][1:], least_add)]
