"""PayPal through its Orders v2 REST API, with a small client of our own on `requests`.

Why not PayPal's server SDK (paypal-server-sdk 2.x): its base URL is one of two fixed environments
(Configuration.environments); pointing it at anything else, a loopback stand-in included, means
patching that table. It has no webhook verification either, and brings apimatic's runtime along.

The order carries our payment id as `custom_id`. The customer approves it at PayPal; on their
return `return_confirm` captures it server-side, and what PayPal answers to the capture (COMPLETED,
amount, currency) is what confirms it. Webhooks are verified with PayPal's own signature scheme
(paypal_signature.py); refund and dispute events are tied to their order by asking PayPal for the
capture, never by the event alone.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings

from payments.gateways.base import Checkout, EventKind, GatewayError, GatewayEvent, SignatureInvalid
from payments.gateways.paypal_signature import signature_verify
from payments.gateways.support import (
    gateway_session,
    gateway_timeout,
    json_answer,
    lower_headers,
    malformed,
    panel_id,
    parse_decimal,
    scrubbed,
    to_minor,
)

if TYPE_CHECKING:
    from payments.models import Payment

# Currencies PayPal takes without decimals (developer.paypal.com/api/rest/reference/currency-codes).
ZERO_DECIMAL = frozenset({"HUF", "JPY", "TWD"})
_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")

_CAPTURE_KINDS = {
    "COMPLETED": EventKind.PAID,
    "PENDING": EventKind.PENDING,
    "DECLINED": EventKind.FAILED,
    "FAILED": EventKind.FAILED,
}

# (api base, client id) -> (access token, time.monotonic() it stops being used)
_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def amount_value(amount: Decimal, currency: str) -> str:
    """`amount` as PayPal's decimal string: two decimals, none for HUF, JPY, TWD."""
    places = 0 if currency.upper() in ZERO_DECIMAL else 2
    to_minor(amount, places, currency)  # refuses an amount with more decimals than the currency
    return f"{amount.quantize(Decimal(1).scaleb(-places)):f}"


class PayPalGateway:
    code = "paypal"
    label = "PayPal"

    def configured(self) -> bool:
        return bool(
            settings.PAYPAL_CLIENT_ID and settings.PAYPAL_CLIENT_SECRET and settings.PAYPAL_WEBHOOK_ID
        )

    # --- the REST client -------------------------------------------------------------------------

    def _base(self) -> str:
        return settings.PAYPAL_API_BASE.rstrip("/")

    def _token(self, session: requests.Session) -> str:
        """An OAuth2 client-credentials token, reused until a minute before it expires."""
        key = (self._base(), settings.PAYPAL_CLIENT_ID)
        with _tokens_lock:
            cached = _tokens.get(key)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        try:
            response = session.post(
                f"{self._base()}/v1/oauth2/token",
                data={"grant_type": "client_credentials"},
                auth=(settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET),
                headers={"Accept": "application/json"},
                timeout=gateway_timeout(),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise GatewayError(f"PayPal sign-in failed: {type(exc).__name__}") from None
        answer = json_answer(response, "PayPal sign-in")
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise GatewayError("PayPal sign-in answered no access token.")
        lifetime = answer.get("expires_in")
        lifetime = int(lifetime) if isinstance(lifetime, int) and not isinstance(lifetime, bool) else 0
        with _tokens_lock:
            _tokens[key] = (token, time.monotonic() + max(lifetime - 60, 0))
        return token

    def _call(
        self, method: str, path: str, *, what: str, body: Any = None, request_id: str = ""
    ) -> tuple[int, Any]:
        """One authorised call: (HTTP status, JSON answer). A 401 drops the cached token and tries
        once more (PayPal may revoke a token before its announced expiry)."""
        with gateway_session() as session:
            for attempt in (1, 2):
                headers = {"Authorization": f"Bearer {self._token(session)}", "Accept": "application/json"}
                if request_id:
                    headers["PayPal-Request-Id"] = request_id  # PayPal's idempotency: a repeat is one order
                if body is not None:
                    headers["Content-Type"] = "application/json"
                try:
                    response = session.request(
                        method,
                        f"{self._base()}{path}",
                        data=None if body is None else json.dumps(body),
                        headers=headers,
                        timeout=gateway_timeout(),
                        allow_redirects=False,
                    )
                except requests.RequestException as exc:
                    raise GatewayError(f"{what} failed: {type(exc).__name__}") from None
                if response.status_code == 401 and attempt == 1:
                    with _tokens_lock:
                        _tokens.pop((self._base(), settings.PAYPAL_CLIENT_ID), None)
                    continue
                break
        try:
            data = json.loads(response.content or b"{}", parse_float=Decimal)
        except ValueError:
            raise GatewayError(f"{what} failed: HTTP {response.status_code}, not JSON") from None
        return response.status_code, data

    def _ok(self, status: int, data: Any, what: str) -> dict[str, Any]:
        if status >= 400 or not isinstance(data, dict):
            name = data.get("name", "") if isinstance(data, dict) else ""
            raise GatewayError(f"{what} failed: HTTP {status} {name}".strip())
        return data

    # --- checkout and return --------------------------------------------------------------------

    def checkout_create(
        self, *, payment: Payment, success_url: str, cancel_url: str, notify_url: str
    ) -> Checkout:
        currency = payment.pay_currency.upper()
        order = {
            "intent": "CAPTURE",
            "purchase_units": [
                {
                    "custom_id": str(payment.pk),
                    "description": f"{settings.PANEL_NAME}: add funds"[:127],
                    "amount": {
                        "currency_code": currency,
                        "value": amount_value(payment.pay_amount, currency),
                    },
                }
            ],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "return_url": success_url,
                        "cancel_url": cancel_url,
                        "user_action": "PAY_NOW",
                        "shipping_preference": "NO_SHIPPING",
                    }
                }
            },
        }
        status, data = self._call(
            "POST",
            "/v2/checkout/orders",
            what="PayPal order",
            body=order,
            request_id=f"panel-order-{payment.pk}",
        )
        data = self._ok(status, data, "PayPal order")
        links = {
            link.get("rel"): link.get("href") for link in data.get("links", []) if isinstance(link, dict)
        }
        approve = links.get("payer-action") or links.get("approve")
        if not isinstance(data.get("id"), str) or not approve:
            raise GatewayError("PayPal answered an order without its id or approval link.")
        return Checkout(gateway_payment_id=data["id"], redirect_url=approve)

    def return_confirm(self, *, payment: Payment, query: Mapping[str, str]) -> list[GatewayEvent]:
        # The query (token, PayerID) is not used: the order is ours, captured by its id.
        return self._capture(payment)

    def _capture(self, payment: Payment) -> list[GatewayEvent]:
        order_id = payment.gateway_payment_id
        if not _ID.match(order_id or ""):
            raise GatewayError("The payment has no PayPal order.")
        status, data = self._call(
            "POST",
            f"/v2/checkout/orders/{order_id}/capture",
            what="PayPal capture",
            # No PayPal-Request-Id: a second capture is refused as ORDER_ALREADY_CAPTURED and the
            # order looked up, where a cached refusal under a reused id would hide a later approval.
            body={},
        )
        issue = _issue(data)
        if status == 422 and issue == "ORDER_ALREADY_CAPTURED":
            with malformed("PayPal order"):
                return self._order_events(self._order(order_id))
        if status == 422 and issue in {"ORDER_NOT_APPROVED", "PAYER_ACTION_REQUIRED"}:
            return []  # the customer came back without approving: nothing happened
        if status == 422 and issue in {"INSTRUMENT_DECLINED", "TRANSACTION_REFUSED"}:
            return []  # PayPal sends the customer back to choose another way to pay; still open
        with malformed("PayPal capture"):
            return self._order_events(self._ok(status, data, "PayPal capture"))

    def _order(self, order_id: str) -> dict[str, Any]:
        status, data = self._call("GET", f"/v2/checkout/orders/{order_id}", what="PayPal order lookup")
        return self._ok(status, data, "PayPal order lookup")

    def _order_events(self, order: Mapping[str, Any]) -> list[GatewayEvent]:
        """What an order (a capture's answer or a lookup) says of the money."""
        units = order.get("purchase_units") or [{}]
        unit = units[0] if isinstance(units[0], dict) else {}
        captures = (unit.get("payments") or {}).get("captures") or []
        if not captures:
            kind = EventKind.FAILED if order.get("status") == "VOIDED" else None
            if kind is None:
                return []
            return [
                GatewayEvent(
                    event_id=f"order:{order.get('id')}:VOIDED",
                    kind=kind,
                    gateway_payment_id=str(order.get("id", "")),
                    panel_payment_id=panel_id(unit.get("custom_id")),
                    raw=scrubbed(order),
                )
            ]
        capture = captures[0]
        kind = _CAPTURE_KINDS.get(str(capture.get("status")), EventKind.IGNORED)
        amount = capture.get("amount") or {}
        return [
            GatewayEvent(
                event_id=f"capture:{capture.get('id')}:{capture.get('status')}",
                kind=kind,
                gateway_payment_id=str(order.get("id", "")),
                panel_payment_id=panel_id(capture.get("custom_id") or unit.get("custom_id")),
                amount=parse_decimal(amount.get("value")) if kind == EventKind.PAID else None,
                currency=str(amount.get("currency_code", "")),
                raw=scrubbed(order),
            )
        ]

    def payment_fetch(self, *, payment: Payment) -> list[GatewayEvent]:
        order = self._order(payment.gateway_payment_id)
        if order.get("status") == "APPROVED":
            # Approved but never captured (the customer closed the window before coming back):
            # intent CAPTURE means the customer agreed to pay; taking it is what their return does.
            return self._capture(payment)
        with malformed("PayPal order"):
            return self._order_events(order)

    # --- webhooks ---------------------------------------------------------------------------------

    def webhook_verify(self, *, body: bytes, headers: Mapping[str, str]) -> list[GatewayEvent]:
        signature_verify(body=body, headers=lower_headers(headers), webhook_id=settings.PAYPAL_WEBHOOK_ID)
        try:
            event = json.loads(body, parse_float=Decimal)
        except ValueError:
            raise SignatureInvalid("PayPal webhook body is not JSON.") from None
        resource = event.get("resource") if isinstance(event, dict) else None
        if not isinstance(resource, dict):
            raise GatewayError("PayPal event without a resource.")
        with malformed("PayPal event"):
            return self._events(event, resource)

    def _events(self, event: Mapping[str, Any], resource: Mapping[str, Any]) -> list[GatewayEvent]:
        event_id, event_type = str(event.get("id", "")), str(event.get("event_type", ""))
        raw = scrubbed(event)
        if event_type in {"PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.PENDING"}:
            kind = _CAPTURE_KINDS.get(event_type.rsplit(".", 1)[1], EventKind.IGNORED)
            amount = resource.get("amount") or {}
            return [
                GatewayEvent(
                    event_id=event_id,
                    kind=kind,
                    gateway_payment_id=_order_of(resource),
                    panel_payment_id=panel_id(resource.get("custom_id")),
                    amount=parse_decimal(amount.get("value")) if kind == EventKind.PAID else None,
                    currency=str(amount.get("currency_code", "")),
                    raw=raw,
                )
            ]
        if event_type in {"PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED"}:
            related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
            # A reversal may carry the capture itself; a refund names its capture by its `up` link.
            capture = (
                resource
                if related.get("order_id") and "refund" not in str(event.get("resource_type"))
                else (self._capture_lookup(_up_capture_id(resource)))
            )
            total = (
                ((resource.get("seller_payable_breakdown") or {}).get("total_refunded_amount"))
                or (
                    # A reversal takes the whole capture back.
                    capture.get("amount") if event_type.endswith("REVERSED") else resource.get("amount")
                )
                or {}
            )
            return [
                GatewayEvent(
                    event_id=event_id,
                    kind=EventKind.REFUNDED,
                    gateway_payment_id=_order_of(capture),
                    panel_payment_id=panel_id(capture.get("custom_id")),
                    amount=parse_decimal(total.get("value")),
                    currency=str(total.get("currency_code", "")),
                    reversal_id=str(resource.get("id", "")),
                    raw=raw,
                )
            ]
        if event_type == "CUSTOMER.DISPUTE.CREATED":
            transactions = resource.get("disputed_transactions") or [{}]
            capture = self._capture_lookup(str(transactions[0].get("seller_transaction_id", "")))
            amount = resource.get("dispute_amount") or {}
            return [
                GatewayEvent(
                    event_id=event_id,
                    kind=EventKind.DISPUTED,
                    gateway_payment_id=_order_of(capture),
                    panel_payment_id=panel_id(capture.get("custom_id")),
                    amount=parse_decimal(amount.get("value")),
                    currency=str(amount.get("currency_code", "")),
                    reversal_id=str(resource.get("dispute_id", "")),
                    raw=raw,
                )
            ]
        return [GatewayEvent(event_id=event_id, kind=EventKind.IGNORED, gateway_payment_id="", raw=raw)]

    def _capture_lookup(self, capture_id: str) -> dict[str, Any]:
        if not _ID.match(capture_id):
            raise GatewayError("PayPal event without a capture id.")
        status, data = self._call("GET", f"/v2/payments/captures/{capture_id}", what="PayPal capture lookup")
        return self._ok(status, data, "PayPal capture lookup")


def _issue(data: Any) -> str:
    details = data.get("details") if isinstance(data, dict) else None
    if isinstance(details, list) and details and isinstance(details[0], dict):
        return str(details[0].get("issue", ""))
    return ""


def _order_of(capture: Mapping[str, Any]) -> str:
    """The order a capture belongs to (PayPal's supplementary_data.related_ids.order_id)."""
    related = (capture.get("supplementary_data") or {}).get("related_ids") or {}
    order_id = related.get("order_id")
    if not isinstance(order_id, str) or not _ID.match(order_id):
        raise GatewayError("PayPal capture without its order id.")
    return order_id


def _up_capture_id(refund: Mapping[str, Any]) -> str:
    """The capture a refund belongs to: the last part of its `up` link (only the id is used; the
    capture is asked of PAYPAL_API_BASE, never of the link's host)."""
    for link in refund.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == "up":
            return str(link.get("href", "")).rstrip("/").rsplit("/", 1)[-1]
    return ""
