"""Stripe (cards, wallets) through Checkout Sessions and the official `stripe` library.

The session carries our payment id as `client_reference_id` and in the metadata of the session and
of its PaymentIntent, so that the charge and dispute events that follow can be traced back. A
webhook is believed only after the library's own signature check (`t=...,v1=...`, HMAC-SHA256 with
the endpoint's secret, five minutes' tolerance); refund and dispute events are tied to their session
by asking Stripe (sessions by PaymentIntent), never by what the event says alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import stripe as stripe_lib
from django.conf import settings

from payments.gateways.base import Checkout, EventKind, GatewayError, GatewayEvent, SignatureInvalid
from payments.gateways.support import (
    from_minor,
    gateway_session,
    gateway_timeout,
    lower_headers,
    malformed,
    panel_id,
    scrubbed,
    to_minor,
)

if TYPE_CHECKING:
    from payments.models import Payment

# Stripe's currencies without a minor unit, and those with three decimals (docs.stripe.com/currencies).
ZERO_DECIMAL = frozenset(
    [
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    ]
)
THREE_DECIMAL = frozenset(["bhd", "jod", "kwd", "omr", "tnd"])

_SESSION_KINDS = {
    "checkout.session.async_payment_succeeded": EventKind.PAID,
    "checkout.session.async_payment_failed": EventKind.FAILED,
    "checkout.session.expired": EventKind.FAILED,
}


def exponent(currency: str) -> int:
    """Decimals of `currency` in Stripe's integer amounts."""
    code = currency.lower()
    return 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2


class StripeGateway:
    code = "stripe"
    label = "Card (Stripe)"

    def configured(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def _client(self) -> stripe_lib.StripeClient:
        http_client = stripe_lib.RequestsClient(timeout=gateway_timeout(), session=gateway_session())
        return stripe_lib.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            http_client=http_client,
            # No retries of its own: a call stays within one timeout; a create is made safe to
            # repeat by its idempotency key when the customer tries again.
            max_network_retries=0,
        )

    def checkout_create(
        self, *, payment: Payment, success_url: str, cancel_url: str, notify_url: str
    ) -> Checkout:
        currency = payment.pay_currency.lower()
        reference = str(payment.pk)
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency,
                        "unit_amount": to_minor(payment.pay_amount, exponent(currency), currency),
                        "product_data": {"name": f"{settings.PANEL_NAME}: add funds"},
                    },
                }
            ],
            "client_reference_id": reference,
            "metadata": {"panel_payment_id": reference},
            "payment_intent_data": {"metadata": {"panel_payment_id": reference}},
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        try:
            session = self._client().v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"panel-payment-{reference}"},
            )
        except stripe_lib.StripeError as exc:
            raise GatewayError(
                f"Stripe refused the checkout: {exc.user_message or type(exc).__name__}"
            ) from None
        if not session.url:
            raise GatewayError("Stripe answered a checkout session without a URL.")
        return Checkout(gateway_payment_id=session.id, redirect_url=session.url)

    def webhook_verify(self, *, body: bytes, headers: Mapping[str, str]) -> list[GatewayEvent]:
        signature = lower_headers(headers).get("stripe-signature", "")
        try:
            # The library's check: the signed timestamp within its tolerance, an HMAC of ours.
            stripe_lib.Webhook.construct_event(body, signature, settings.STRIPE_WEBHOOK_SECRET)
        except stripe_lib.SignatureVerificationError:
            raise SignatureInvalid("Stripe signature does not verify.") from None
        except ValueError:
            raise SignatureInvalid("Stripe webhook body is not JSON.") from None
        except Exception:  # signed, but not an event the library can build (a list, a number)
            raise GatewayError("Stripe webhook is not an event.") from None
        event = json.loads(body, parse_float=Decimal)
        if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
            raise GatewayError("Stripe event without data.")
        obj = event["data"].get("object")
        if not isinstance(obj, dict):
            raise GatewayError("Stripe event without an object.")
        with malformed("Stripe event"):
            return [
                self._event(
                    event_id=str(event.get("id", "")), kind_of=str(event.get("type", "")), obj=obj, raw=event
                )
            ]

    def _event(self, *, event_id: str, kind_of: str, obj: dict[str, Any], raw: Any) -> GatewayEvent:
        if kind_of.startswith("checkout.session."):
            return self._session_event(event_id=event_id, kind_of=kind_of, session=obj, raw=raw)
        if kind_of == "charge.refunded":
            session = self._session_of(obj.get("payment_intent"))
            return GatewayEvent(
                event_id=event_id,
                kind=EventKind.REFUNDED,
                gateway_payment_id=session["id"],
                panel_payment_id=panel_id(session.get("client_reference_id")),
                amount=from_minor(obj.get("amount_refunded"), exponent(str(obj.get("currency", "")))),
                currency=str(obj.get("currency", "")).upper(),
                reversal_id=str(obj.get("id", "")),
                raw=scrubbed(raw),
            )
        if kind_of == "charge.dispute.created":
            session = self._session_of(obj.get("payment_intent"))
            return GatewayEvent(
                event_id=event_id,
                kind=EventKind.DISPUTED,
                gateway_payment_id=session["id"],
                panel_payment_id=panel_id(session.get("client_reference_id")),
                amount=from_minor(obj.get("amount"), exponent(str(obj.get("currency", "")))),
                currency=str(obj.get("currency", "")).upper(),
                reversal_id=str(obj.get("id", "")),
                raw=scrubbed(raw),
            )
        return GatewayEvent(
            event_id=event_id, kind=EventKind.IGNORED, gateway_payment_id="", raw=scrubbed(raw)
        )

    def _session_event(
        self, *, event_id: str, kind_of: str, session: Mapping[str, Any], raw: Any
    ) -> GatewayEvent:
        if kind_of == "checkout.session.completed":
            # Card payments are paid at completion; delayed methods (bank debits) complete unpaid
            # and are settled by async_payment_succeeded / _failed later.
            kind = EventKind.PAID if session.get("payment_status") == "paid" else EventKind.PENDING
        else:
            kind = _SESSION_KINDS.get(kind_of, EventKind.IGNORED)
        currency = str(session.get("currency") or "")
        paid = kind == EventKind.PAID
        return GatewayEvent(
            event_id=event_id,
            kind=kind,
            gateway_payment_id=str(session.get("id", "")),
            panel_payment_id=panel_id(session.get("client_reference_id")),
            amount=from_minor(session.get("amount_total"), exponent(currency)) if paid else None,
            currency=currency.upper(),
            raw=scrubbed(raw),
        )

    def _session_of(self, payment_intent: Any) -> dict[str, Any]:
        """The Checkout Session that made `payment_intent`, as Stripe tells it."""
        if not isinstance(payment_intent, str) or not payment_intent:
            raise GatewayError("Stripe event without a payment intent.")
        try:
            found = self._client().v1.checkout.sessions.list(
                params={"payment_intent": payment_intent, "limit": 1}
            )
        except stripe_lib.StripeError as exc:
            raise GatewayError(f"Stripe could not be asked: {type(exc).__name__}") from None
        if not found.data:
            raise GatewayError(f"No Stripe checkout session made payment intent {payment_intent}.")
        return found.data[0].to_dict()

    def payment_fetch(self, *, payment: Payment) -> list[GatewayEvent]:
        try:
            session = self._client().v1.checkout.sessions.retrieve(payment.gateway_payment_id)
        except stripe_lib.StripeError as exc:
            raise GatewayError(f"Stripe could not be asked: {type(exc).__name__}") from None
        data = session.to_dict()
        if data.get("status") == "expired":
            kind_of = "checkout.session.expired"
        else:
            kind_of = "checkout.session.completed" if data.get("status") == "complete" else ""
        if not kind_of:
            return []  # still open: nothing to say yet
        event_id = f"fetch:{data.get('id')}:{data.get('status')}:{data.get('payment_status')}"
        return [self._session_event(event_id=event_id, kind_of=kind_of, session=data, raw=data)]

    def return_confirm(self, *, payment: Payment, query: Mapping[str, str]) -> list[GatewayEvent]:
        return self.payment_fetch(payment=payment)
