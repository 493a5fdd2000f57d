"""The customer's payment pages (Add funds, its live quote, the history), the gateways' webhooks
and the customer's way back from a gateway. Thin: each calls one service or selector."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.selectors import balance_funds
from panel.clientip import client_address
from panel.csp import HEADER as CSP_HEADER
from payments.forms import AddFundsForm
from payments.gateways import gateways
from payments.gateways.base import GatewayError, SignatureInvalid
from payments.models import BonusTier, PaymentState
from payments.selectors import customer_payments
from payments.services import (
    Method,
    PaymentRefused,
    UnknownGateway,
    methods_offered,
    payment_create,
    payment_quote,
    payment_return,
    payment_webhook_receive,
)

log = logging.getLogger(__name__)

# A webhook body larger than this is not a gateway's (Stripe's events are a few kB).
WEBHOOK_MAX_BYTES = 256 * 1024
PAYMENTS_PER_PAGE = 25
# Stands in for the payment's id in the URLs given to payment_create, which puts the id in their
# "{payment}" (reverse() takes only a number, and build_absolute_uri would escape the braces).
_PAYMENT_ID = 987654321


# --- Add funds ---------------------------------------------------------------------------------


def _absolute(request: HttpRequest, name: str, **kwargs) -> str:
    url = request.build_absolute_uri(reverse(name, kwargs=kwargs))
    return url.replace(str(_PAYMENT_ID), "{payment}")


def _checkout_policy(methods: list[Method]) -> str:
    """The site's policy with the gateways' pay pages as form targets: the form's POST is answered
    by a redirect to the gateway, and browsers hold a form's redirects to form-action as well."""
    sources = ["'self'"]
    if any(method.code != "test" for method in methods):
        sources.append("https:")  # Stripe's, PayPal's and NOWPayments' pages (and their redirects)
    if any(method.code == "test" for method in methods):
        parts = urlsplit(settings.PAYMENTS_TEST_GATEWAY_URL)
        sources.append(f"{parts.scheme}://{parts.netloc}")
    return settings.CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action {' '.join(sources)}")


def _quoted(method_code: str, amount: str, methods: list[Method]) -> dict:
    """What the live preview shows: the quote of `amount`, or why there is none (with the limits)."""
    method = next((method for method in methods if method.code == method_code), None)
    if method is None:
        return {"method": None, "quote": None, "hint": "Choose a payment method."}
    if not amount:
        return {"method": method, "quote": None, "hint": "Enter the amount to add."}
    try:
        quote = payment_quote(gateway_code=method.code, amount=amount)
    except PaymentRefused as refusal:
        return {"method": method, "quote": None, "hint": refusal.message}
    return {"method": method, "quote": quote, "hint": ""}


@login_required
@require_http_methods(["GET", "POST"])
def add_funds(request: HttpRequest) -> HttpResponse:
    methods = methods_offered()
    form = AddFundsForm(request.POST if request.method == "POST" else None, methods=methods)
    refusal = refusal_link = None
    if request.method == "POST" and methods:
        code = form.typed("method")
        try:
            payment = payment_create(
                customer=request.user,
                gateway_code=code,
                amount=form.typed("amount"),
                success_url=_absolute(request, "payments:back", pk=_PAYMENT_ID),
                cancel_url=_absolute(request, "payments:canceled", pk=_PAYMENT_ID),
                notify_url=_absolute(request, "payments:webhook", code=code),
                ip=client_address(request),
            )
        except PaymentRefused as error:
            refusal = form.refuse(error)
            refusal_link = (reverse(error.link[0]), error.link[1]) if error.link else None
        else:
            return redirect(payment.checkout_url)
    context = {
        "form": form,
        "methods": methods,
        "refusal": refusal,
        "refusal_link": refusal_link,
        "funds": balance_funds(customer_id=request.user.pk),
        "tiers": list(BonusTier.objects.all()) if methods else [],
        **_quoted(form.typed("method"), form.typed("amount"), methods),
    }
    response = render(request, "payments/add.html", context)
    response[CSP_HEADER] = _checkout_policy(methods)
    return response


@login_required
@require_GET
def quote(request: HttpRequest) -> HttpResponse:
    context = _quoted(
        request.GET.get("method", ""), request.GET.get("amount", "").strip()[:30], methods_offered()
    )
    return render(request, "payments/_quote.html", context)


@login_required
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(customer_payments(customer_id=request.user.pk), PAYMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = {code: gateway.label for code, gateway in gateways().items()}
    for payment in page.object_list:
        payment.method_label = labels.get(payment.gateway, payment.gateway)
    context = {"page": page, "funds": balance_funds(customer_id=request.user.pk)}
    return render(request, "payments/list.html", context)


# --- Gateways ------------------------------------------------------------------------------------


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
