"""The test gateway's server: a small payment gateway on loopback, for development and tests.

It plays a real gateway with no real money, so that a newcomer's panel (`make run`) takes payments
without an account anywhere. The panel talks to it only through payments/gateways/testgateway.py,
over HTTP, as it talks to Stripe:

- `POST /v1/payments` (Authorization: Bearer <secret>) creates a payment from JSON (amount,
  currency, reference, success_url, cancel_url, notify_url) and answers its id and `pay_url`;
  `GET /v1/payments/<id>` answers it as it is now (status, refunded, disputes).
- `/pay/<id>` is the customer's pay page, with "Pay" and "Fail" buttons. Paying POSTs a signed
  callback to the payment's notify_url, then sends the browser to its success_url.
- `/` lists the payments, with "Refund" and "Dispute" buttons that send signed callbacks later,
  and "Resend" for any callback (a replay).

A callback is JSON (id, type, created, payment_id, reference, amount, currency, dispute_id), signed
like Stripe's: `Test-Gateway-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
A refund's amount is the payment's cumulative refunded total. It needs no Django: run it alone with
`python -m payments.testgateway_server --port 8010 --secret ...`.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import itertools
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from payments.testgateway_pages import index_page, pay_page

log = logging.getLogger("payments.testgateway")

SIGNATURE_HEADER = "Test-Gateway-Signature"
CENT = Decimal("0.01")
MAX_BODY = 64 * 1024


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The signature header's value for `body` sent at `timestamp` (now by default)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


@dataclass
class Delivery:
    """A callback as sent, and what the panel answered (its status code, or the error)."""

    event_id: str
    type: str
    body: bytes
    answer: str = ""


@dataclass
class GatewayPayment:
    id: str
    amount: Decimal
    currency: str
    reference: str
    success_url: str
    cancel_url: str
    notify_url: str
    description: str = ""
    status: str = "open"  # open, paid, failed
    refunded: Decimal = Decimal("0.00")
    disputes: dict[str, Decimal] = field(default_factory=dict)
    created: int = field(default_factory=lambda: int(time.time()))
    deliveries: list[Delivery] = field(default_factory=list)

    def as_json(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "amount": str(self.amount),
            "currency": self.currency,
            "reference": self.reference,
            "refunded": str(self.refunded),
            "disputes": {key: str(value) for key, value in self.disputes.items()},
            "created": self.created,
            "pay_url": f"{base_url}/pay/{self.id}",
        }


class GatewayRefused(Exception):
    """A request the gateway refuses (400), with its reason."""


def _amount(text: Any) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise GatewayRefused(f"Not an amount: {text!r}") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(CENT):
        raise GatewayRefused("The amount must be positive, in whole cents.")
    return value.quantize(CENT)


def _url(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
        raise GatewayRefused(f"{name} must be an http(s) URL.")
    return value


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


class TestGatewayServer:
    """The gateway on loopback: `start()` serves in a daemon thread; `url` is its base address."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.url = ""
        self.payments: dict[str, GatewayPayment] = {}
        self.lock = threading.RLock()
        self._events = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"<TestGatewayServer {self.url or 'stopped'}>"

    def start(self, host: str = "127.0.0.1", port: int = 0) -> TestGatewayServer:
        server = _Server((host, port), _Handler)
        server.gateway = self  # type: ignore[attr-defined]
        self._server = server
        self.url = f"http://{host}:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="test-gateway", daemon=True
        )
        self._thread.start()
        log.info("test gateway serving at %s", self.url)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> TestGatewayServer:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the gateway's acts: the buttons call them, and tests may too ----------------------------

    def create(self, data: dict[str, Any]) -> GatewayPayment:
        currency = str(data.get("currency", "")).upper()
        if len(currency) != 3 or not currency.isalpha():
            raise GatewayRefused("currency must be a three-letter code.")
        payment = GatewayPayment(
            id=f"tp_{secrets.token_hex(8)}",
            amount=_amount(data.get("amount")),
            currency=currency,
            reference=str(data.get("reference", ""))[:100],
            description=str(data.get("description", ""))[:200],
            success_url=_url(data, "success_url"),
            cancel_url=_url(data, "cancel_url"),
            notify_url=_url(data, "notify_url"),
        )
        with self.lock:
            self.payments[payment.id] = payment
        return payment

    def get(self, payment_id: str) -> GatewayPayment | None:
        with self.lock:
            return self.payments.get(payment_id)

    def pay(self, payment: GatewayPayment) -> Delivery | None:
        """The customer paid: a `payment.paid` callback (once; paying again changes nothing)."""
        with self.lock:
            if payment.status != "open":
                return None
            payment.status = "paid"
        return self.notify(payment, "payment.paid", payment.amount)

    def fail(self, payment: GatewayPayment) -> Delivery | None:
        with self.lock:
            if payment.status != "open":
                return None
            payment.status = "failed"
        return self.notify(payment, "payment.failed", payment.amount)

    def refund(self, payment: GatewayPayment, amount: Decimal) -> Delivery:
        """Refunds `amount` more; the callback carries the cumulative refunded total."""
        with self.lock:
            if payment.status != "paid":
                raise GatewayRefused("Only a paid payment can be refunded.")
            if amount <= 0 or payment.refunded + amount > payment.amount:
                raise GatewayRefused("A refund is more than zero and at most what is left of the payment.")
            payment.refunded += amount
            total = payment.refunded
        return self.notify(payment, "payment.refunded", total)

    def dispute(self, payment: GatewayPayment) -> Delivery:
        """A chargeback of the whole payment, under a dispute id of its own."""
        with self.lock:
            if payment.status != "paid":
                raise GatewayRefused("Only a paid payment can be disputed.")
            dispute_id = f"dp_{secrets.token_hex(6)}"
            payment.disputes[dispute_id] = payment.amount
        return self.notify(payment, "payment.disputed", payment.amount, dispute_id=dispute_id)

    def notify(self, payment: GatewayPayment, kind: str, amount: Decimal, dispute_id: str = "") -> Delivery:
        event = {
            "id": f"evt_{next(self._events)}_{secrets.token_hex(4)}",
            "type": kind,
            "created": int(time.time()),
            "payment_id": payment.id,
            "reference": payment.reference,
            "amount": str(amount),
            "currency": payment.currency,
            "dispute_id": dispute_id,
        }
        delivery = Delivery(event_id=event["id"], type=kind, body=json.dumps(event).encode())
        with self.lock:
            payment.deliveries.append(delivery)
        self.deliver(payment, delivery)
        return delivery

    def deliver(self, payment: GatewayPayment, delivery: Delivery) -> None:
        """POSTs the callback (again), signed now; what the panel answered is kept for the index."""
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.secret, delivery.body)}
        try:
            response = requests.post(
                payment.notify_url,
                data=delivery.body,
                headers=headers,
                timeout=(5, 30),
                allow_redirects=False,
            )
            delivery.answer = f"HTTP {response.status_code}"
        except requests.RequestException as error:
            delivery.answer = f"not delivered: {type(error).__name__}"
        log.info("test gateway %s %s -> %s", delivery.type, payment.id, delivery.answer)

    def find_delivery(self, event_id: str) -> tuple[GatewayPayment, Delivery] | None:
        with self.lock:
            for payment in self.payments.values():
                for delivery in payment.deliveries:
                    if delivery.event_id == event_id:
                        return payment, delivery
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TestGateway/1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("test gateway: " + format, *args)

    @property
    def gateway(self) -> TestGatewayServer:
        return self.server.gateway  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def _route(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, MAX_BODY)) if length else b""
        if length > MAX_BODY:
            self.close_connection = True  # the rest of the body is left unread: no next request on it
        parts = [part for part in urlsplit(self.path).path.split("/") if part]
        try:
            if parts[:2] == ["v1", "payments"]:
                self._api(method, parts[2:], body)
            elif method == "GET" and not parts:
                self._html(200, index_page(self.gateway))
            elif parts[:1] == ["pay"] and len(parts) == 2:
                self._pay(method, parts[1], body)
            elif method == "POST" and parts[:1] == ["payments"] and len(parts) == 3:
                self._staff(parts[1], parts[2], body)
            elif method == "POST" and parts[:1] == ["events"] and len(parts) == 3 and parts[2] == "resend":
                found = self.gateway.find_delivery(parts[1])
                if found is None:
                    return self._html(404, "<p>No such callback.</p>")
                self.gateway.deliver(*found)
                self._see_other("/")
            else:
                self._html(404, "<p>Not found.</p>")
        except GatewayRefused as refusal:
            if parts[:1] == ["v1"]:
                self._json(400, {"error": str(refusal)})
            else:
                self._html(400, f"<p>{html.escape(str(refusal))}</p><p><a href='/'>Back</a></p>")

    def _api(self, method: str, rest: list[str], body: bytes) -> None:
        if not hmac.compare_digest(self.headers.get("Authorization", ""), f"Bearer {self.gateway.secret}"):
            return self._json(401, {"error": "Invalid API key"})
        if method == "POST" and not rest:
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if not isinstance(data, dict):
                raise GatewayRefused("The body must be a JSON object.")
            return self._json(201, self.gateway.create(data).as_json(self.gateway.url))
        payment = self.gateway.get(rest[0]) if method == "GET" and len(rest) == 1 else None
        if payment is None:
            return self._json(404, {"error": "No such payment"})
        self._json(200, payment.as_json(self.gateway.url))

    def _pay(self, method: str, payment_id: str, body: bytes) -> None:
        payment = self.gateway.get(payment_id)
        if payment is None:
            return self._html(404, "<p>No such payment.</p>")
        if method == "GET":
            return self._html(200, pay_page(payment))
        action = dict(parse_qsl(body.decode(errors="replace"))).get("action")
        if action == "pay":
            self.gateway.pay(payment)
        elif action == "fail":
            self.gateway.fail(payment)
        else:
            raise GatewayRefused("Pay or fail.")
        # Failed too goes back by success_url: the panel asks the gateway and says what it answered.
        self._see_other(payment.success_url)

    def _staff(self, payment_id: str, action: str, body: bytes) -> None:
        payment = self.gateway.get(payment_id)
        if payment is None:
            return self._html(404, "<p>No such payment.</p>")
        if action == "refund":
            form = dict(parse_qsl(body.decode(errors="replace")))
            self.gateway.refund(payment, _amount(form.get("amount", "")))
        elif action == "dispute":
            self.gateway.dispute(payment)
        else:
            return self._html(404, "<p>Not found.</p>")
        self._see_other("/")

    def _send(self, status: int, body: bytes, content_type: str, location: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, answer: Any) -> None:
        self._send(status, json.dumps(answer).encode(), "application/json")

    def _html(self, status: int, page: str) -> None:
        self._send(status, page.encode(), "text/html; charset=utf-8")

    def _see_other(self, location: str) -> None:
        self._send(303, b"", "text/plain", location=location)


def main() -> None:
    parser = argparse.ArgumentParser(description="The panel's test gateway (no real money).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--secret", default="test-gateway-development-secret")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = TestGatewayServer(args.secret).start(args.host, args.port)
    print(f"test gateway at {server.url}/ (Ctrl-C stops it)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
