"""The gateways' webhooks and the customer's way back from a gateway; each calls one service."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from panel.clientip import client_address
from payments.gateways.base import GatewayError, SignatureInvalid
from payments.models import PaymentState
from payments.services import UnknownGateway, payment_return, payment_webhook_receive

log = logging.getLogger(__name__)

# A webhook body larger than this is not a gateway's (Stripe's events are a few kB).
WEBHOOK_MAX_BYTES = 256 * 1024


@csrf_exempt  # signed by the gateway instead; a browser's cookie proves nothing here
@require_POST
def webhook(request: HttpRequest, code: str) -> HttpResponse:
    """A gateway's webhook: 200 once applied (a replay too), 400 when it does not verify (nothing
    changed, logged without its body or secrets), 503 when it could not be processed now (the
    gateway retries)."""
    if len(request.body) > WEBHOOK_MAX_BYTES:
        return HttpResponse("Too large", status=413, content_type="text/plain")
    try:
        payment_webhook_receive(gateway_code=code, body=request.body, headers=request.headers)
    except UnknownGateway:
        raise Http404("No such gateway") from None
    except SignatureInvalid as error:
        log.warning("%s webhook refused from %s: %s", code, client_address(request), error)
        return HttpResponse("Signature invalid", status=400, content_type="text/plain")
    except GatewayError as error:
        log.warning("%s webhook not processed: %s", code, error)
        return HttpResponse("Not processed; retry later", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_GET
def payment_back(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's browser back from the gateway. Its query is never taken as a payment: the
    service asks the gateway itself."""
    payment = payment_return(customer_id=request.user.pk, payment_id=pk, query=request.GET)
    if payment is None:
        raise Http404("No such payment")
    if payment.state == PaymentState.PAID:
        messages.success(request, "Payment received: your balance is credited.")
    elif payment.state == PaymentState.FAILED:
        messages.error(request, "The payment did not go through; nothing was charged.")
    else:
        messages.info(
            request, "Thank you. Your balance is credited as soon as the gateway confirms the payment."
        )
    return redirect("payments:list")


@login_required
@require_GET
def payment_canceled(request: HttpRequest, pk: int) -> HttpResponse:
    messages.info(request, "The payment was canceled at the gateway; nothing was charged.")
    return redirect("payments:list")
