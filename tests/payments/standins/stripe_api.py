"""Stripe's API as the `stripe` library calls it for Checkout: sessions created (form-encoded, with an
Idempotency-Key), retrieved and listed by payment intent; and Stripe's webhooks, signed as Stripe
signs them: `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from tests.payments.standins.server import Delivery, Reply, Request, StandIn, json_bytes

_KEY_PART = re.compile(r"\[([^\]]*)\]")


def parse_form(body: bytes) -> dict[str, Any]:
    """Stripe's form encoding (`a[b][0][c]=v`) as nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        head = key.split("[", 1)[0]
        path = [head, *_KEY_PART.findall(key[len(head) :])]
        node = root
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class StripeStandIn(StandIn):
    name = "stripe-standin"

    def __init__(self) -> None:
        super().__init__()
        self.api_key = "sk_test_standin"
        self.webhook_secret = "whsec_standin"
        self.sessions: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}  # by payment intent
        self._idempotent: dict[str, dict[str, Any]] = {}
        self.webhook_url = ""

    # --- the API ------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return 401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}
        if request.method == "POST" and request.path == "/v1/checkout/sessions":
            return self._create(request)
        if request.method == "GET" and request.path == "/v1/checkout/sessions":
            intent = request.query.get("payment_intent", "")
            found = [s for s in self.sessions.values() if intent and s["payment_intent"] == intent]
            limit = int(request.query.get("limit", "10"))
            return 200, {"object": "list", "data": found[:limit], "has_more": False, "url": request.path}
        match = re.fullmatch(r"/v1/checkout/sessions/([A-Za-z0-9_]+)", request.path)
        if request.method == "GET" and match:
            with self.lock:
                session = self.sessions.get(match.group(1))
            if session is None:
                return 404, {
                    "error": {"type": "invalid_request_error", "message": "No such checkout.session"}
                }
            return 200, session
        return 404, {
            "error": {"type": "invalid_request_error", "message": f"Unrecognized request URL {request.path}"}
        }

    def _create(self, request: Request) -> Reply:
        key = request.headers.get("idempotency-key", "")
        with self.lock:
            if key and key in self._idempotent:
                return 200, self._idempotent[key]
            params = parse_form(request.body)
            item = params["line_items"][0]
            number = self.next_id()
            session_id = f"cs_test_{number:06d}"
            session = {
                "id": session_id,
                "object": "checkout.session",
                "mode": params.get("mode"),
                "status": "open",
                "payment_status": "unpaid",
                "amount_total": int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)),
                "currency": item["price_data"]["currency"],
                "client_reference_id": params.get("client_reference_id"),
                "metadata": params.get("metadata", {}),
                "payment_intent": None,
                "client_secret": f"{session_id}_secret_standin",  # must never reach the panel's log
                "success_url": params.get("success_url"),
                "cancel_url": params.get("cancel_url"),
                "url": f"{self.url}/c/pay/{session_id}",
                "livemode": False,
                "_intent_metadata": params.get("payment_intent_data", {}).get("metadata", {}),
            }
            self.sessions[session_id] = session
            if key:
                self._idempotent[key] = session
            return 200, session

    # --- what happens at Stripe ------------------------------------------------------------------------

    def session_for(self, reference: str, minor: int, currency: str) -> str:
        """A session the panel did not create (another account's, a forger's own) naming `reference`."""
        form = {
            "mode": "payment",
            "client_reference_id": reference,
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": currency.lower(),
            "line_items[0][price_data][unit_amount]": str(minor),
            "metadata[panel_payment_id]": reference,
            "payment_intent_data[metadata][panel_payment_id]": reference,
        }
        request = Request("POST", "/v1/checkout/sessions", {}, {}, urlencode(form).encode())
        return self._create(request)[1]["id"]

    def complete(self, session_id: str, *, paid: bool = True, amount_total: int | None = None) -> Delivery:
        """The customer pays (or, `paid=False`, starts a delayed method): checkout.session.completed."""
        with self.lock:
            session = self.sessions[session_id]
            session["status"] = "complete"
            session["payment_status"] = "paid" if paid else "unpaid"
            if session["payment_intent"] is None:
                session["payment_intent"] = f"pi_{session_id[8:]}"
                self.charges[session["payment_intent"]] = {
                    "id": f"ch_{session_id[8:]}",
                    "object": "charge",
                    "amount": session["amount_total"],
                    "amount_refunded": 0,
                    "currency": session["currency"],
                    "payment_intent": session["payment_intent"],
                    "metadata": dict(session["_intent_metadata"]),
                    "refunded": False,
                }
            obj = dict(session)
        if amount_total is not None:
            obj["amount_total"] = amount_total
        return self.event("checkout.session.completed", obj)

    def expire(self, session_id: str) -> Delivery:
        with self.lock:
            self.sessions[session_id]["status"] = "expired"
            return self.event("checkout.session.expired", dict(self.sessions[session_id]))

    def refund(self, session_id: str, minor: int) -> Delivery:
        """A refund of `minor` units more: charge.refunded with the cumulative amount_refunded."""
        with self.lock:
            charge = self.charges[self.sessions[session_id]["payment_intent"]]
            charge["amount_refunded"] += minor
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
            return self.event("charge.refunded", dict(charge))

    def dispute(self, session_id: str, minor: int | None = None) -> Delivery:
        with self.lock:
            charge = self.charges[self.sessions[session_id]["payment_intent"]]
            dispute = {
                "id": f"dp_{charge['id'][3:]}",
                "object": "dispute",
                "amount": charge["amount"] if minor is None else minor,
                "currency": charge["currency"],
                "charge": charge["id"],
                "payment_intent": charge["payment_intent"],
                "reason": "fraudulent",
                "status": "needs_response",
            }
            return self.event("charge.dispute.created", dispute)

    def event(self, kind: str, obj: dict[str, Any]) -> Delivery:
        obj = {k: v for k, v in obj.items() if not k.startswith("_")}
        event = {
            "id": f"evt_{self.next_id():06d}",
            "object": "event",
            "api_version": "2025-09-30.clover",
            "created": int(time.time()),
            "type": kind,
            "livemode": False,
            "data": {"object": obj},
        }
        return self.signed(json_bytes(event))

    def signed(self, body: bytes, *, timestamp: int | None = None, secret: str | None = None) -> Delivery:
        """`body` with Stripe's signature header (another `secret` or an old `timestamp` for a bad one)."""
        t = int(time.time()) if timestamp is None else timestamp
        mac = hmac.new((secret or self.webhook_secret).encode(), f"{t}.".encode() + body, hashlib.sha256)
        headers = {"Content-Type": "application/json", "Stripe-Signature": f"t={t},v1={mac.hexdigest()}"}
        return Delivery(body=body, headers=headers, url=self.webhook_url)
