"""Crypto through NOWPayments, with a small client of our own on `requests`.

Why NOWPayments: its IPN is signed with HMAC-SHA512 under a secret only we and NOWPayments hold, a
real MAC; Cryptomus, the other common choice of SMM panels, signs with md5(base64(body) + key).
Why no library: its Python packages are unmaintained wrappers (no timeouts, floats for amounts, no
IPN check); the four calls we need are a few lines each.

The IPN's signature is `x-nowpayments-sig` = hex HMAC-SHA512(IPN secret, the body's JSON with its
keys sorted, at every level, and no spaces), as NOWPayments documents. The JSON is rebuilt from the
body with each number written exactly as it arrived, so a number's text survives the round trip.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings

from payments.gateways.base import Checkout, EventKind, GatewayError, GatewayEvent, SignatureInvalid
from payments.gateways.support import (
    gateway_call,
    gateway_session,
    lower_headers,
    malformed,
    panel_id,
    parse_decimal,
    scrubbed,
)

if TYPE_CHECKING:
    from payments.models import Payment

# NOWPayments' payment statuses. partially_paid: the customer sent less than the invoice asked;
# nothing is credited (the amount is not the payment's) and it stays pending for NOWPayments'
# support or an admin to settle; the event is in the payment's log with what was paid.
STATUS_KINDS = {
    "waiting": EventKind.PENDING,
    "confirming": EventKind.PENDING,
    "confirmed": EventKind.PENDING,
    "sending": EventKind.PENDING,
    "partially_paid": EventKind.PENDING,
    "finished": EventKind.PAID,
    "failed": EventKind.FAILED,
    "expired": EventKind.FAILED,
    "refunded": EventKind.REFUNDED,
}


class JsonNumber(Decimal):
    """A JSON number with a fraction or exponent, as a Decimal that remembers its text."""

    text: str

    def __new__(cls, text: str) -> JsonNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


def canonical(value: Any) -> str:
    """`value` as JSON with sorted keys and no spaces, as NOWPayments signs it (JavaScript's
    JSON.stringify of the key-sorted object: non-ASCII text unescaped)."""
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(k), ensure_ascii=False)}:{canonical(value[k])}" for k in sorted(value))
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, float):
        raise TypeError("floats have no place in money JSON")
    return json.dumps(value, ensure_ascii=False)


def ipn_signature(body_object: Any, secret: str) -> str:
    return hmac.new(secret.encode(), canonical(body_object).encode(), hashlib.sha512).hexdigest()


def _payload(body: bytes) -> Any:
    return json.loads(body, parse_float=JsonNumber)


class NowPaymentsGateway:
    code = "nowpayments"
    label = "Crypto (NOWPayments)"

    def configured(self) -> bool:
        return bool(settings.NOWPAYMENTS_API_KEY and settings.NOWPAYMENTS_IPN_SECRET)

    def _call(self, method: str, path: str, *, what: str, body: Any = None) -> Any:
        headers = {"x-api-key": settings.NOWPAYMENTS_API_KEY, "Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = canonical(body).encode()
        with gateway_session() as session:
            return gateway_call(
                session,
                method,
                f"{settings.NOWPAYMENTS_API_BASE.rstrip('/')}{path}",
                what=what,
                data=data,
                headers=headers,
            )

    def checkout_create(
        self, *, payment: Payment, success_url: str, cancel_url: str, notify_url: str
    ) -> Checkout:
        invoice = self._call(
            "POST",
            "/v1/invoice",
            what="NOWPayments invoice",
            body={
                "price_amount": payment.pay_amount,
                "price_currency": payment.pay_currency.lower(),
                "order_id": str(payment.pk),
                "order_description": f"{settings.PANEL_NAME}: add funds",
                "ipn_callback_url": notify_url,
                "success_url": success_url,
                "cancel_url": cancel_url,
            },
        )
        if not isinstance(invoice, dict) or not invoice.get("id") or not invoice.get("invoice_url"):
            raise GatewayError("NOWPayments answered an invoice without its id or URL.")
        if str(invoice.get("order_id", payment.pk)) != str(payment.pk):
            raise GatewayError("NOWPayments answered an invoice for another order.")
        return Checkout(gateway_payment_id=str(invoice["id"]), redirect_url=str(invoice["invoice_url"]))

    def webhook_verify(self, *, body: bytes, headers: Mapping[str, str]) -> list[GatewayEvent]:
        signature = lower_headers(headers).get("x-nowpayments-sig", "").strip().lower()
        if not signature:
            raise SignatureInvalid("NOWPayments IPN without x-nowpayments-sig.")
        try:
            payload = _payload(body)
        except (ValueError, RecursionError):
            raise SignatureInvalid("NOWPayments IPN body is not JSON.") from None
        if not isinstance(payload, dict):
            raise SignatureInvalid("NOWPayments IPN body is not an object.")
        expected = ipn_signature(payload, settings.NOWPAYMENTS_IPN_SECRET)
        if not hmac.compare_digest(expected, signature):
            raise SignatureInvalid("NOWPayments signature does not verify.")
        with malformed("NOWPayments IPN"):
            return [self._event(payload, source="ipn")]

    def _event(self, data: Mapping[str, Any], *, source: str) -> GatewayEvent:
        status = str(data.get("payment_status", ""))
        kind = STATUS_KINDS.get(status, EventKind.IGNORED)
        money = kind in {EventKind.PAID, EventKind.REFUNDED}
        return GatewayEvent(
            # One IPN per payment and status (a partial payment once per amount received); a
            # replay carries the same.
            event_id=f"{source}:{data.get('payment_id')}:{status}:{data.get('actually_paid', '')}",
            kind=kind,
            gateway_payment_id=str(data.get("invoice_id") or ""),
            panel_payment_id=panel_id(data.get("order_id")),
            # What the invoice was for, in our currency; NOWPayments confirms it was paid in full.
            amount=parse_decimal(data.get("price_amount")) if money else None,
            currency=str(data.get("price_currency", "")).upper() if money else "",
            raw=scrubbed(data),
        )

    def _payment_events(self, payment: Payment, np_payment_id: str) -> list[GatewayEvent]:
        if not np_payment_id.isdigit():
            return []
        data = self._call("GET", f"/v1/payment/{np_payment_id}", what="NOWPayments payment lookup")
        if not isinstance(data, dict):
            raise GatewayError("NOWPayments answered a payment that is not an object.")
        # Only a payment of this invoice and order counts, whatever id we were handed.
        if str(data.get("invoice_id")) != payment.gateway_payment_id or str(data.get("order_id")) != str(
            payment.pk
        ):
            return []
        with malformed("NOWPayments payment"):
            return [self._event(data, source="fetch")]

    def payment_fetch(self, *, payment: Payment) -> list[GatewayEvent]:
        """NOWPayments is asked by its own payment id (an invoice gets one when the customer picks
        a coin); it is taken from the IPNs already recorded for the payment."""
        return self._payment_events(payment, known_payment_id(payment))

    def return_confirm(self, *, payment: Payment, query: Mapping[str, str]) -> list[GatewayEvent]:
        # NOWPayments sends the customer back with NP_id, its payment's id: only a hint of which
        # payment to ask about; the answer must be of this invoice and order to count.
        hint = str(query.get("NP_id", "")).strip()
        return self._payment_events(payment, hint or known_payment_id(payment))


def known_payment_id(payment: Payment) -> str:
    """The NOWPayments payment id in the last recorded event of `payment` that has one, or ""."""
    events = getattr(payment, "events", None)
    if events is None:
        return ""
    for event in events.order_by("-pk")[:20]:
        raw = getattr(event, "raw", None) or {}
        if isinstance(raw, dict) and str(raw.get("payment_id", "")).isdigit():
            return str(raw["payment_id"])
    return ""
