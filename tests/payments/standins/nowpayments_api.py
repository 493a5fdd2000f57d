"""NOWPayments' API as the panel's client calls it: invoices created (`POST /v1/invoice`, x-api-key)
and payments looked up (`GET /v1/payment/<id>`); and its IPNs, signed as NOWPayments signs them:
`x-nowpayments-sig` = hex HMAC-SHA512(IPN secret, the JSON with keys sorted at every level).

The IPN body itself is sent with its keys in NOWPayments' own (unsorted) order and its numbers as
JavaScript writes them, so the panel has to rebuild the signed text, not hash the body."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
from decimal import Decimal
from typing import Any

from tests.payments.standins.server import Delivery, Reply, Request, StandIn, dumps

_FIELD_ORDER = [
    "payment_id", "parent_payment_id", "invoice_id", "payment_status", "pay_address", "payin_extra_id",
    "price_amount", "price_currency", "pay_amount", "actually_paid", "actually_paid_at_fiat", "pay_currency",
    "order_id", "order_description", "purchase_id", "outcome_amount", "outcome_currency", "payment_extra_ids",
    "fee", "created_at", "updated_at",
]  # fmt: skip


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class NowPaymentsStandIn(StandIn):
    name = "nowpayments-standin"

    def __init__(self) -> None:
        super().__init__()
        self.api_key = "NP-STANDIN-KEY"
        self.ipn_secret = "np-standin-ipn-secret"
        self.invoices: dict[str, dict[str, Any]] = {}
        self.payments: dict[int, dict[str, Any]] = {}

    def handle(self, request: Request) -> Reply:
        if request.headers.get("x-api-key") != self.api_key:
            return 403, {
                "status": False,
                "statusCode": 403,
                "code": "INVALID_API_KEY",
                "message": "Invalid api key",
            }
        if request.method == "POST" and request.path == "/v1/invoice":
            body = json.loads(request.body, parse_float=Decimal)
            with self.lock:
                invoice_id = str(4_500_000_000 + self.next_id())
                invoice = {
                    "id": invoice_id,
                    "token_id": f"tok{invoice_id}",
                    "order_id": body["order_id"],
                    "order_description": body.get("order_description"),
                    "price_amount": str(body["price_amount"]),  # NOWPayments answers these as strings
                    "price_currency": body["price_currency"],
                    "pay_currency": None,
                    "ipn_callback_url": body["ipn_callback_url"],
                    "invoice_url": f"{self.url}/?iid={invoice_id}",
                    "success_url": body.get("success_url"),
                    "cancel_url": body.get("cancel_url"),
                    "created_at": _now(),
                    "updated_at": _now(),
                }
                self.invoices[invoice_id] = invoice
            return 200, invoice
        match = re.fullmatch(r"/v1/payment/(\d+)", request.path)
        if request.method == "GET" and match:
            with self.lock:
                found = self.payments.get(int(match.group(1)))
            if found is None:
                return 404, {
                    "status": False,
                    "statusCode": 404,
                    "code": "NOT_FOUND",
                    "message": "Payment not found",
                }
            return 200, {k: v for k, v in found.items() if k != "fee"}
        return 404, {"status": False, "statusCode": 404, "message": "Not found"}

    # --- what happens at NOWPayments -----------------------------------------------------------------

    def invoice_for(self, order_id: str, price_amount: Decimal, currency: str, ipn_url: str) -> str:
        """An invoice the panel did not create, naming `order_id`."""
        body = {
            "price_amount": price_amount,
            "price_currency": currency.lower(),
            "order_id": order_id,
            "ipn_callback_url": ipn_url,
        }
        request = Request("POST", "/v1/invoice", {}, {"x-api-key": self.api_key}, dumps(body).encode())
        return self.handle(request)[1]["id"]

    def pay(
        self,
        invoice_id: str,
        status: str = "finished",
        *,
        actually_paid: Decimal | None = None,
        price_amount: Decimal | None = None,
    ) -> Delivery:
        """The customer pays the invoice in BTC (its first payment, later ones update it): the IPN."""
        with self.lock:
            invoice = self.invoices[invoice_id]
            payment = next((p for p in self.payments.values() if str(p["invoice_id"]) == invoice_id), None)
            if payment is None:
                payment_id = 5_000_000_000 + self.next_id()
                pay_amount = Decimal("0.00016237")
                payment = {
                    "payment_id": payment_id,
                    "parent_payment_id": None,
                    "invoice_id": int(invoice_id),
                    "pay_address": "bc1qstandinaddress0000000000000000000000",
                    "payin_extra_id": None,
                    "price_amount": Decimal(invoice["price_amount"]),
                    "price_currency": invoice["price_currency"],
                    "pay_amount": pay_amount,
                    "actually_paid": Decimal(0),
                    "actually_paid_at_fiat": 0,
                    "pay_currency": "btc",
                    "order_id": invoice["order_id"],
                    "order_description": invoice["order_description"],
                    "purchase_id": str(6_000_000_000 + payment_id),
                    "outcome_amount": Decimal("0.0001583"),
                    "outcome_currency": "btc",
                    "payment_extra_ids": None,
                    "fee": {
                        "currency": "btc",
                        "depositFee": 0,
                        "withdrawalFee": 0,
                        "serviceFee": Decimal("8.1E-7"),
                    },
                    "created_at": _now(),
                }
                self.payments[payment_id] = payment
            payment["payment_status"] = status
            paid = payment["pay_amount"] if actually_paid is None and status == "finished" else actually_paid
            payment["actually_paid"] = paid if paid is not None else payment["actually_paid"]
            payment["updated_at"] = _now()
            body = {key: payment[key] for key in _FIELD_ORDER if key in payment}
            if price_amount is not None:
                body["price_amount"] = price_amount
            return self.signed(body, url=invoice["ipn_callback_url"])

    def signed(self, body: dict[str, Any], *, url: str = "", secret: str = "") -> Delivery:
        """The IPN of `body` (sent in its own key order), signed over its key-sorted JSON."""
        signed_text = dumps(body, sort=True)
        signature = hmac.new(
            (secret or self.ipn_secret).encode(), signed_text.encode(), hashlib.sha512
        ).hexdigest()
        return Delivery(
            body=dumps(body).encode(),
            headers={"Content-Type": "application/json", "x-nowpayments-sig": signature},
            url=url,
        )
