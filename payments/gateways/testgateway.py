"""The test gateway (no real money): payments/testgateway_server.py, over HTTP like a real gateway.

Offered while PAYMENTS_TEST_GATEWAY is on (by default only in development with no real gateway
configured) and its server's URL and secret are set; `make run` starts the server. It is held to
the real gateways' rules: a callback counts only once its signature verifies (HMAC-SHA256 over
`<timestamp>.<body>` with the shared secret, compared in constant time, the timestamp within five
minutes), and "check with the gateway" asks the server, never the browser.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
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
    to_minor,
)

if TYPE_CHECKING:
    from payments.models import Payment

SIGNATURE_HEADER = "test-gateway-signature"
# Seconds a callback's signed timestamp may be from now, either way (Stripe's default).
TOLERANCE = 300

_KINDS = {
    "payment.paid": EventKind.PAID,
    "payment.failed": EventKind.FAILED,
    "payment.refunded": EventKind.REFUNDED,
    "payment.disputed": EventKind.DISPUTED,
}


def _signed_parts(header: str) -> tuple[int, list[str]]:
    """The timestamp and the v1 signatures of `t=<ts>,v1=<hex>[,v1=...]`."""
    stamp, macs = None, []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) < 12:
            stamp = int(value)
        elif key == "v1" and value:
            macs.append(value)
    if stamp is None or not macs:
        raise SignatureInvalid("Test gateway callback without a timestamp and signature.")
    return stamp, macs


class TestGateway:
    code = "test"
    label = "Test gateway (no real money)"
    __test__ = False  # not a pytest test class, whatever its name

    def configured(self) -> bool:
        return bool(
            settings.PAYMENTS_TEST_GATEWAY
            and settings.PAYMENTS_TEST_GATEWAY_URL
            and settings.PAYMENTS_TEST_GATEWAY_SECRET
        )

    def _call(self, method: str, path: str, *, what: str, **kwargs: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {settings.PAYMENTS_TEST_GATEWAY_SECRET}"}
        url = f"{settings.PAYMENTS_TEST_GATEWAY_URL.rstrip('/')}{path}"
        answer = gateway_call(gateway_session(), method, url, what=what, headers=headers, **kwargs)
        if not isinstance(answer, dict) or not isinstance(answer.get("id"), str) or not answer["id"]:
            raise GatewayError(f"{what}: the test gateway answered no payment.")
        return answer

    def checkout_create(
        self, *, payment: Payment, success_url: str, cancel_url: str, notify_url: str
    ) -> Checkout:
        cents = to_minor(payment.pay_amount, 2, payment.pay_currency)
        body = {
            "amount": f"{Decimal(cents).scaleb(-2):.2f}",
            "currency": payment.pay_currency,
            "reference": str(payment.pk),
            "description": f"{settings.PANEL_NAME}: add funds",
            "success_url": success_url,
            "cancel_url": cancel_url,
            "notify_url": notify_url,
        }
        answer = self._call("POST", "/v1/payments", what="Creating the test payment", json=body)
        pay_url = answer.get("pay_url")
        if not isinstance(pay_url, str) or not pay_url.startswith(("http://", "https://")):
            raise GatewayError("The test gateway answered a payment without a pay page.")
        return Checkout(gateway_payment_id=answer["id"], redirect_url=pay_url)

    def webhook_verify(self, *, body: bytes, headers: Mapping[str, str]) -> list[GatewayEvent]:
        stamp, macs = _signed_parts(lower_headers(headers).get(SIGNATURE_HEADER, ""))
        if abs(time.time() - stamp) > TOLERANCE:
            raise SignatureInvalid("Test gateway callback signed too long ago (or in the future).")
        secret = settings.PAYMENTS_TEST_GATEWAY_SECRET.encode()
        expected = hmac.new(secret, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        if not any(hmac.compare_digest(expected, mac) for mac in macs):
            raise SignatureInvalid("Test gateway signature does not verify.")
        try:
            event = json.loads(body, parse_float=Decimal)
        except ValueError:
            raise GatewayError("Test gateway callback is not JSON.") from None
        if not isinstance(event, dict):
            raise GatewayError("Test gateway callback is not an event.")
        with malformed("Test gateway callback"):
            return [self._event(event)]

    def _event(self, event: dict[str, Any]) -> GatewayEvent:
        kind = _KINDS.get(str(event.get("type", "")), EventKind.IGNORED)
        return GatewayEvent(
            event_id=str(event["id"]),
            kind=kind,
            gateway_payment_id=str(event.get("payment_id") or ""),
            panel_payment_id=panel_id(event.get("reference")),
            amount=parse_decimal(event["amount"]) if kind != EventKind.IGNORED else None,
            currency=str(event.get("currency") or "").upper(),
            reversal_id=str(event.get("dispute_id") or ""),
            raw=scrubbed(event),
        )

    def payment_fetch(self, *, payment: Payment) -> list[GatewayEvent]:
        answer = self._call(
            "GET", f"/v1/payments/{payment.gateway_payment_id}", what="Asking about the test payment"
        )
        with malformed("Test gateway payment"):
            return self._fetched(answer)

    def _fetched(self, answer: dict[str, Any]) -> list[GatewayEvent]:
        """What the payment's state says, as events with ids of that state (a second fetch of the
        same state is a replay)."""
        found = answer["id"]
        common = {
            "gateway_payment_id": found,
            "panel_payment_id": panel_id(answer.get("reference")),
            "currency": str(answer.get("currency") or "").upper(),
            "raw": scrubbed(answer),
        }
        status = answer.get("status")
        if status == "failed":
            return [GatewayEvent(event_id=f"fetch:{found}:failed", kind=EventKind.FAILED, **common)]
        if status != "paid":
            return []
        amount = parse_decimal(answer["amount"])
        events = [GatewayEvent(event_id=f"fetch:{found}:paid", kind=EventKind.PAID, amount=amount, **common)]
        refunded = parse_decimal(answer.get("refunded") or "0")
        if refunded > 0:
            events.append(
                GatewayEvent(
                    event_id=f"fetch:{found}:refunded:{refunded}",
                    kind=EventKind.REFUNDED,
                    amount=refunded,
                    **common,
                )
            )
        for dispute_id, disputed in dict(answer.get("disputes") or {}).items():
            events.append(
                GatewayEvent(
                    event_id=f"fetch:{found}:dispute:{dispute_id}",
                    kind=EventKind.DISPUTED,
                    amount=parse_decimal(disputed),
                    reversal_id=str(dispute_id),
                    **common,
                )
            )
        return events

    def return_confirm(self, *, payment: Payment, query: Mapping[str, str]) -> list[GatewayEvent]:
        return self.payment_fetch(payment=payment)
