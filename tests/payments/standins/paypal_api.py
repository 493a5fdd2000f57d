"""PayPal's REST API as the panel's client calls it: the OAuth2 client-credentials token, Orders v2
(create with PayPal-Request-Id, look up, capture), captures looked up, and the certificate its
webhooks name; and PayPal's webhooks, signed as PayPal signs them: RSA-SHA256 over
`<transmission id>|<time>|<webhook id>|<CRC32 of the body>`, with a key whose self-signed
certificate this server serves at /v1/notifications/certs/<name>."""

from __future__ import annotations

import base64
import datetime
import json
import re
import uuid
import zlib
from decimal import Decimal
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tests.payments.standins.server import Delivery, Reply, Request, StandIn, json_bytes

CERT_NAME = "CERT-360caa42-fca2a594-standin"


def signing_key() -> tuple[rsa.RSAPrivateKey, bytes]:
    """A new RSA key and its self-signed certificate (PEM), valid for a day."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.paypal.standin")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


def _money(value: Decimal, currency: str) -> dict[str, str]:
    return {"currency_code": currency, "value": format(value, "f")}


class PayPalStandIn(StandIn):
    name = "paypal-standin"

    def __init__(self) -> None:
        super().__init__()
        self.client_id = "standin-client"
        self.client_secret = "standin-secret"
        self.webhook_id = "WH8STANDIN"
        self.key, self.cert_pem = signing_key()
        self.tokens: set[str] = set()
        self.orders: dict[str, dict[str, Any]] = {}
        self.captures: dict[str, dict[str, Any]] = {}
        self._idempotent: dict[str, Reply] = {}
        self.capture_amount: dict[str, Decimal] = {}  # order id -> what PayPal says was captured
        self.webhook_url = ""

    @property
    def cert_url(self) -> str:
        return f"{self.url}/v1/notifications/certs/{CERT_NAME}"

    # --- the API ------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        if request.method == "GET" and request.path == f"/v1/notifications/certs/{CERT_NAME}":
            return 200, self.cert_pem
        if request.method == "POST" and request.path == "/v1/oauth2/token":
            return self._token(request)
        if request.headers.get("authorization", "")[7:] not in self.tokens:
            return 401, {"error": "invalid_token", "error_description": "Token signature verification failed"}
        request_id = request.headers.get("paypal-request-id", "")
        with self.lock:
            if request.method == "POST" and request_id and request_id in self._idempotent:
                return self._idempotent[request_id]
            reply = self._route(request)
            if request.method == "POST" and request_id and reply[0] < 300:
                self._idempotent[request_id] = reply
            return reply

    def _token(self, request: Request) -> Reply:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if (
            request.headers.get("authorization") != f"Basic {expected}"
            or b"grant_type=client_credentials" not in request.body
        ):
            return 401, {"error": "invalid_client", "error_description": "Client Authentication failed"}
        token = f"A21AA{uuid.uuid4().hex}"
        with self.lock:
            self.tokens.add(token)
        return 200, {
            "scope": "https://uri.paypal.com/services/payments",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": "APP-STANDIN",
            "expires_in": 32400,
        }

    def _route(self, request: Request) -> Reply:
        if request.method == "POST" and request.path == "/v2/checkout/orders":
            return self._create(request)
        match = re.fullmatch(r"/v2/checkout/orders/([A-Z0-9]+)(/capture)?", request.path)
        if match and match.group(1) in self.orders:
            if request.method == "POST" and match.group(2):
                return self._capture(match.group(1))
            if request.method == "GET" and not match.group(2):
                return 200, self._public(self.orders[match.group(1)])
        match = re.fullmatch(r"/v2/payments/captures/([A-Z0-9]+)", request.path)
        if request.method == "GET" and match and match.group(1) in self.captures:
            return 200, self._public(self.captures[match.group(1)])
        return 404, {"name": "RESOURCE_NOT_FOUND", "message": "The specified resource does not exist."}

    def _create(self, request: Request) -> Reply:
        order = json.loads(request.body, parse_float=Decimal)
        unit = order["purchase_units"][0]
        order_id = f"5O{self.next_id():015d}"
        context = order["payment_source"]["paypal"]["experience_context"]
        self.orders[order_id] = {
            "id": order_id,
            "intent": order["intent"],
            "status": "PAYER_ACTION_REQUIRED",
            "purchase_units": [
                {"reference_id": "default", "custom_id": unit["custom_id"], "amount": unit["amount"]}
            ],
            "links": [
                {"href": f"{self.url}/v2/checkout/orders/{order_id}", "rel": "self", "method": "GET"},
                {"href": f"{self.url}/checkoutnow?token={order_id}", "rel": "payer-action", "method": "GET"},
            ],
            "_return_url": context["return_url"],
        }
        return 200, self._public(self.orders[order_id])

    def _capture(self, order_id: str) -> Reply:
        order = self.orders[order_id]
        if order["status"] == "COMPLETED":
            return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "ORDER_ALREADY_CAPTURED"}]}
        if order["status"] != "APPROVED":
            return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "ORDER_NOT_APPROVED"}]}
        unit = order["purchase_units"][0]
        amount = unit["amount"]
        if order_id in self.capture_amount:
            amount = _money(self.capture_amount[order_id], amount["currency_code"])
        capture_id = f"3C{self.next_id():015d}"
        capture = {
            "id": capture_id,
            "status": "COMPLETED",
            "amount": amount,
            "final_capture": True,
            "custom_id": unit["custom_id"],
            "supplementary_data": {"related_ids": {"order_id": order_id}},
            "links": [
                {"href": f"{self.url}/v2/payments/captures/{capture_id}", "rel": "self", "method": "GET"}
            ],
        }
        self.captures[capture_id] = capture
        order["status"] = "COMPLETED"
        unit["payments"] = {"captures": [capture]}
        return 201, self._public(order)

    @staticmethod
    def _public(order: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in order.items() if not k.startswith("_")}

    # --- what happens at PayPal -----------------------------------------------------------------------

    def order_for(self, custom_id: str, value: Decimal, currency: str) -> str:
        """An order the panel did not create, naming `custom_id`."""
        order = {
            "intent": "CAPTURE",
            "purchase_units": [{"custom_id": custom_id, "amount": _money(value, currency)}],
            "payment_source": {"paypal": {"experience_context": {"return_url": "", "cancel_url": ""}}},
        }
        with self.lock:
            return self._create(Request("POST", "/v2/checkout/orders", {}, {}, json_bytes(order)))[1]["id"]

    def approve(self, order_id: str) -> None:
        """The customer approves the order at PayPal (the panel captures it)."""
        with self.lock:
            self.orders[order_id]["status"] = "APPROVED"

    def pay(self, order_id: str) -> Delivery:
        """Approved and captured (as the panel's capture would), and PayPal's PAYMENT.CAPTURE.COMPLETED."""
        self.approve(order_id)
        with self.lock:
            status, order = self._capture(order_id)
            assert status == 201, order
            capture = order["purchase_units"][0]["payments"]["captures"][0]
            return self.event("PAYMENT.CAPTURE.COMPLETED", "capture", dict(capture))

    def capture_of(self, order_id: str) -> dict[str, Any]:
        return self.orders[order_id]["purchase_units"][0]["payments"]["captures"][0]

    def refund(self, order_id: str, amount: Decimal) -> Delivery:
        with self.lock:
            capture = self.capture_of(order_id)
            currency = capture["amount"]["currency_code"]
            total = Decimal(capture.pop("_refunded", "0")) + amount
            capture["_refunded"] = str(total)
            capture["status"] = (
                "REFUNDED" if total >= Decimal(capture["amount"]["value"]) else "PARTIALLY_REFUNDED"
            )
            refund_id = f"1R{self.next_id():015d}"
            refund = {
                "id": refund_id,
                "status": "COMPLETED",
                "amount": _money(amount, currency),
                "seller_payable_breakdown": {"total_refunded_amount": _money(total, currency)},
                "links": [
                    {"href": f"{self.url}/v2/payments/refunds/{refund_id}", "rel": "self", "method": "GET"},
                    {
                        "href": f"{self.url}/v2/payments/captures/{capture['id']}",
                        "rel": "up",
                        "method": "GET",
                    },
                ],
            }
            return self.event("PAYMENT.CAPTURE.REFUNDED", "refund", refund)

    def dispute(self, order_id: str) -> Delivery:
        with self.lock:
            capture = self.capture_of(order_id)
            dispute = {
                "dispute_id": f"PP-D-{self.next_id():05d}",
                "reason": "UNAUTHORISED",
                "status": "OPEN",
                "dispute_amount": dict(capture["amount"]),
                "disputed_transactions": [{"seller_transaction_id": capture["id"]}],
            }
            return self.event("CUSTOMER.DISPUTE.CREATED", "dispute", dispute)

    def event(self, kind: str, resource_type: str, resource: dict[str, Any]) -> Delivery:
        resource = {k: v for k, v in resource.items() if not k.startswith("_")}
        event = {
            "id": f"WH-{self.next_id():05d}-STANDIN",
            "event_version": "1.0",
            "create_time": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "resource_type": resource_type,
            "event_type": kind,
            "summary": kind,
            "resource": resource,
        }
        return self.signed(json_bytes(event))

    def signed(
        self, body: bytes, *, key: rsa.RSAPrivateKey | None = None, cert_url: str = "", webhook_id: str = ""
    ) -> Delivery:
        """`body` with PayPal's transmission headers; another key, certificate URL or webhook id for
        a badly signed one."""
        transmission_id = str(uuid.uuid1())
        transmitted = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        message = f"{transmission_id}|{transmitted}|{webhook_id or self.webhook_id}|{zlib.crc32(body)}"
        signature = (key or self.key).sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
        headers = {
            "Content-Type": "application/json",
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-TIME": transmitted,
            "PAYPAL-TRANSMISSION-SIG": base64.b64encode(signature).decode(),
            "PAYPAL-CERT-URL": cert_url or self.cert_url,
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
        }
        return Delivery(body=body, headers=headers, url=self.webhook_url)
