"""One way to drive each gateway's stand-in, so that an end-to-end test reads the same for all three.

A `GatewayFlow` starts a real payment (payment_create, with the live server's URLs), makes the
gateway say things about it (the customer pays, the merchant refunds, a chargeback opens), and
delivers what the gateway would send to the panel's webhook over HTTP. `forge` and `unsigned` are
the same webhook signed with a key that is not the gateway's, or not signed at all.

What a gateway cannot do is said by its flow: NOWPayments (crypto) refunds only in full and has no
chargebacks, so `partial_refunds` and `disputes` are False there and tests of those are made only
for the gateways in WITH_PARTIAL_REFUNDS and WITH_CHARGEBACKS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from billing.models import Balance
from payments.models import Payment
from payments.services import payment_create
from tests.payments.standins.nowpayments_api import NowPaymentsStandIn
from tests.payments.standins.paypal_api import PayPalStandIn, signing_key
from tests.payments.standins.server import Delivery
from tests.payments.standins.stripe_api import StripeStandIn

CURRENCY = "USD"  # the panel's (settings.PANEL_CURRENCY in tests); every gateway is asked for it


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def money_of(customer) -> tuple[Decimal, Decimal]:
    """The customer's (balance, debt); (0, 0) without a balance row."""
    row = Balance.objects.filter(customer=customer).values_list("amount", "debt").first()
    return row or (Decimal(0), Decimal(0))


@dataclass
class GatewayFlow:
    """A gateway's stand-in and the live server the panel runs on."""

    standin: Any
    server_url: str
    code: ClassVar[str]
    partial_refunds: ClassVar[bool] = True
    disputes: ClassVar[bool] = True

    # --- the panel ---------------------------------------------------------------------------

    @property
    def webhook_url(self) -> str:
        return f"{self.server_url}/payments/{self.code}/webhook/"

    def start(self, customer, amount: Decimal | str = "25.00") -> Payment:
        """A payment of `amount` made by the panel at the gateway, as the add-funds page makes it."""
        return payment_create(
            customer=customer,
            gateway_code=self.code,
            amount=Decimal(amount),
            success_url=f"{self.server_url}/payments/{{payment}}/back/",
            cancel_url=f"{self.server_url}/payments/{{payment}}/canceled/",
            notify_url=self.webhook_url,
        )

    def deliver(self, delivery: Delivery) -> int:
        """POSTs the webhook to the panel over HTTP; the panel's HTTP status."""
        return self.standin.deliver(delivery, self.webhook_url).status_code

    def unsigned(self, delivery: Delivery) -> Delivery:
        """The same body without any of the gateway's signature headers."""
        return Delivery(body=delivery.body, headers={"Content-Type": "application/json"})

    # --- the gateway (each flow says how) ---------------------------------------------------------

    def pay(self, payment: Payment, *, amount: Decimal | None = None) -> Delivery:
        """The customer pays the payment; the gateway's confirmation (of `amount` if given: a
        gateway that says another amount was paid than the payment asked)."""
        raise NotImplementedError

    def started(self, payment: Payment) -> Delivery | None:
        """What the gateway sends when the customer starts paying (None: nothing). NOWPayments'
        first IPN ("waiting") is what tells the panel the id to ask NOWPayments about later."""
        return None

    def refund(self, payment: Payment, amount: Decimal) -> Delivery:
        """The merchant refunds `amount` more (pay currency) at the gateway; its webhook."""
        raise NotImplementedError

    def dispute(self, payment: Payment) -> Delivery:
        """A chargeback of the whole payment opens at the gateway; its webhook."""
        raise NotImplementedError

    def forge(self, delivery: Delivery) -> Delivery:
        """The same body, signed by someone who does not hold the gateway's key."""
        raise NotImplementedError

    def foreign(self, reference: str, amount: Decimal) -> str:
        """A payment at the gateway that the panel did not make (another account's, a forger's own)
        naming our payment id `reference`; its gateway id."""
        raise NotImplementedError

    def pay_foreign(self, gateway_payment_id: str) -> Delivery:
        """The foreign payment paid; the gateway's (genuinely signed) confirmation."""
        raise NotImplementedError

    def name_another(self, payment: Payment, other: Payment) -> None:
        """Our payment, at the gateway, now says it is `other`'s (its reference edited there)."""
        raise NotImplementedError


class StripeFlow(GatewayFlow):
    code = "stripe"
    standin: StripeStandIn

    def pay(self, payment, *, amount=None):
        total = None if amount is None else cents(amount)
        return self.standin.complete(payment.gateway_payment_id, amount_total=total)

    def refund(self, payment, amount):
        return self.standin.refund(payment.gateway_payment_id, cents(amount))

    def dispute(self, payment):
        return self.standin.dispute(payment.gateway_payment_id)

    def forge(self, delivery):
        return self.standin.signed(delivery.body, secret="whsec_not_the_panels")

    def foreign(self, reference, amount):
        return self.standin.session_for(reference, cents(amount), CURRENCY)

    def pay_foreign(self, gateway_payment_id):
        return self.standin.complete(gateway_payment_id)

    def name_another(self, payment, other):
        with self.standin.lock:
            self.standin.sessions[payment.gateway_payment_id]["client_reference_id"] = str(other.pk)


class PayPalFlow(GatewayFlow):
    code = "paypal"
    standin: PayPalStandIn

    def pay(self, payment, *, amount=None):
        if amount is not None:
            self.standin.capture_amount[payment.gateway_payment_id] = amount
        return self.standin.pay(payment.gateway_payment_id)

    def refund(self, payment, amount):
        return self.standin.refund(payment.gateway_payment_id, amount)

    def dispute(self, payment):
        return self.standin.dispute(payment.gateway_payment_id)

    def forge(self, delivery):
        # Signed in PayPal's scheme, naming PayPal's certificate, with a key that is not its own.
        forger_key, _ = signing_key()
        return self.standin.signed(delivery.body, key=forger_key)

    def foreign(self, reference, amount):
        return self.standin.order_for(reference, amount, CURRENCY)

    def pay_foreign(self, gateway_payment_id):
        return self.standin.pay(gateway_payment_id)

    def name_another(self, payment, other):
        with self.standin.lock:
            unit = self.standin.orders[payment.gateway_payment_id]["purchase_units"][0]
            unit["custom_id"] = str(other.pk)


class NowPaymentsFlow(GatewayFlow):
    code = "nowpayments"
    standin: NowPaymentsStandIn
    partial_refunds = False  # NOWPayments' `refunded` status is the whole invoice
    disputes = False  # crypto has no chargebacks

    def pay(self, payment, *, amount=None):
        return self.standin.pay(payment.gateway_payment_id, price_amount=amount)

    def started(self, payment):
        return self.standin.pay(payment.gateway_payment_id, status="waiting")

    def refund(self, payment, amount):
        assert amount == payment.pay_amount, "NOWPayments refunds the whole invoice only"
        return self.standin.pay(payment.gateway_payment_id, status="refunded")

    def dispute(self, payment):
        raise NotImplementedError("NOWPayments has no chargebacks")

    def forge(self, delivery):
        body = json.loads(delivery.body, parse_float=Decimal)
        return self.standin.signed(body, url=delivery.url, secret="not-the-panels-ipn-secret")

    def foreign(self, reference, amount):
        return self.standin.invoice_for(reference, amount, CURRENCY, self.webhook_url)

    def pay_foreign(self, gateway_payment_id):
        return self.standin.pay(gateway_payment_id)

    def name_another(self, payment, other):
        with self.standin.lock:
            self.standin.invoices[payment.gateway_payment_id]["order_id"] = str(other.pk)


FLOWS: dict[str, type[GatewayFlow]] = {flow.code: flow for flow in (StripeFlow, PayPalFlow, NowPaymentsFlow)}
# The gateways whose flow can do it (the others' tests are not made for them).
WITH_CHARGEBACKS = sorted(code for code, flow in FLOWS.items() if flow.disputes)
WITH_PARTIAL_REFUNDS = sorted(code for code, flow in FLOWS.items() if flow.partial_refunds)
