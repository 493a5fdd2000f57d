"""What every payment gateway module offers the payments services.

A gateway module (stripe.py, paypal.py, nowpayments.py, testgateway.py) talks HTTP to its gateway and
turns what the gateway says into `GatewayEvent`s. It never writes a payment, a balance or the ledger:
`payments.services` decides what an event means for money, once per gateway payment.

Only a verified event counts: `webhook_verify` raises `SignatureInvalid` for anything it cannot
verify with the gateway's own scheme, and `payment_fetch` / `return_confirm` ask the gateway
server-side. Nothing a browser sends (a return URL's query) is ever taken as a payment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models

if TYPE_CHECKING:
    from payments.models import Payment


class GatewayError(Exception):
    """The gateway could not be asked or refused the request; nothing changed on our side."""


class SignatureInvalid(GatewayError):
    """A webhook or callback whose signature does not verify: refused (400/403), nothing changes."""


class EventKind(models.TextChoices):
    """What a verified gateway event says of one payment."""

    PENDING = "pending"  # the customer started paying; money not confirmed (async methods, crypto)
    PAID = "paid"  # the gateway confirms the money arrived: `amount` / `currency` are what was paid
    FAILED = "failed"  # the payment will not complete (expired, declined, async failure)
    REFUNDED = "refunded"  # `amount` is the CUMULATIVE refunded total of this payment so far
    DISPUTED = "disputed"  # a chargeback opened: `amount` is the disputed amount, `reversal_id` the dispute
    IGNORED = "ignored"  # verified, but nothing to do (an event type we do not act on); logged only


@dataclass(frozen=True)
class Checkout:
    """A payment created at the gateway: where the customer's browser goes to pay."""

    gateway_payment_id: str  # the gateway's own id (Stripe session, PayPal order, NOWPayments invoice)
    redirect_url: str


@dataclass(frozen=True)
class GatewayEvent:
    """One verified statement of a gateway about one payment.

    `event_id` is the gateway's id of the event (a replay carries the same one); `panel_payment_id`
    is our Payment's id as the gateway echoes it back (Stripe's client_reference_id, PayPal's
    custom_id, NOWPayments' order_id), None when the event does not carry it. `amount` is in
    `currency`'s major unit as a Decimal (a module converts cents itself). `raw` is the verified
    payload as received, for the payment's event log; modules remove anything secret from it.
    """

    event_id: str
    kind: EventKind
    gateway_payment_id: str
    panel_payment_id: int | None = None
    amount: Decimal | None = None
    currency: str = ""
    reversal_id: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


class Gateway(Protocol):
    """One gateway. `code` is stored on payments ("stripe", "paypal", "nowpayments", "test")."""

    code: str
    label: str  # shown to customers: "Card (Stripe)", "PayPal", "Crypto (NOWPayments)", "Test gateway"

    def configured(self) -> bool:
        """True when its secrets are in the settings (the environment); off otherwise."""
        ...

    def checkout_create(
        self, *, payment: Payment, success_url: str, cancel_url: str, notify_url: str
    ) -> Checkout:
        """Create the payment at the gateway for `payment.pay_amount` `payment.pay_currency`."""
        ...

    def webhook_verify(self, *, body: bytes, headers: Mapping[str, str]) -> list[GatewayEvent]:
        """The events of a webhook / IPN after verifying it with the gateway's scheme.

        Raises SignatureInvalid (forged, unsigned, stale timestamp) or GatewayError.
        """
        ...

    def payment_fetch(self, *, payment: Payment) -> list[GatewayEvent]:
        """Ask the gateway server-side what became of `payment` ("check with the gateway now")."""
        ...

    def return_confirm(self, *, payment: Payment, query: Mapping[str, str]) -> list[GatewayEvent]:
        """What to do when the customer's browser comes back: never trust `query`; a gateway that
        needs a server-side step on return (PayPal's capture) does it here and returns what the
        gateway answered. Others return payment_fetch's events or []."""
        ...
