"""Starting a payment: the methods offered, the amount's quote (fee, bonus), and the gateway's checkout."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings

from billing.models import EntryKind
from billing.money import AMOUNT_QUANTUM, ZERO, parse_amount
from billing.selectors import ledger_entries
from fraud.services import ACCOUNT_FROZEN, blocked_text, blocklist_match
from payments.gateways import gateway_for, gateways
from payments.gateways.base import Gateway, GatewayError
from payments.models import BonusTier, GatewaySettings, Payment, PaymentState

if TYPE_CHECKING:
    from panel.models import User

log = logging.getLogger(__name__)

GATEWAY_UNAVAILABLE = "This payment method is not available; choose another one."
GATEWAY_FAILED = (
    "The payment could not be started at the gateway; try again in a minute or choose another method."
)


EMAIL_NOT_VERIFIED = (
    "Confirm your e-mail address before your first deposit: open the link or type the code we sent you."
)
RESEND_VERIFICATION = "Send the confirmation e-mail again"


class PaymentRefused(Exception):
    """A payment that cannot be started, with a message fit to show the customer; nothing was made.
    `link` is (a URL name, its text): where the customer can do what the message asks."""

    def __init__(
        self, message: str, *, field: str | None = None, link: tuple[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.link = link


@dataclass(frozen=True)
class Method:
    """A gateway as a customer is offered it."""

    code: str
    label: str
    min_amount: Decimal
    max_amount: Decimal
    fee_percent: Decimal


@dataclass(frozen=True)
class Quote:
    """What a payment of `amount` at a gateway comes to, before the customer pays."""

    method: Method
    amount: Decimal  # what the balance receives
    fee: Decimal  # added on top
    bonus: Decimal  # credited besides, from the bonus tiers
    pay_amount: Decimal  # what the customer pays: amount + fee
    currency: str


def _settings_of(codes: list[str]) -> dict[str, GatewaySettings]:
    known = {row.code: row for row in GatewaySettings.objects.filter(code__in=codes)}
    for code in codes:
        if code not in known:
            # Made with its defaults the first time it is offered, so staff find it in the admin.
            known[code], _ = GatewaySettings.objects.get_or_create(code=code)
    return known


def methods_offered() -> list[Method]:
    """The gateways a customer may pay with now: secrets set, enabled by staff."""
    configured = [gateway for gateway in gateways().values() if gateway.configured()]
    rows = _settings_of([gateway.code for gateway in configured])
    return [
        Method(
            code=gateway.code,
            label=gateway.label,
            min_amount=rows[gateway.code].min_amount,
            max_amount=rows[gateway.code].max_amount,
            fee_percent=rows[gateway.code].fee_percent,
        )
        for gateway in configured
        if rows[gateway.code].enabled
    ]


def bonus_for(*, amount: Decimal) -> Decimal:
    """The bonus of the highest tier `amount` reaches, rounded half-up to the amount's precision."""
    tier = BonusTier.objects.filter(from_amount__lte=amount).order_by("-from_amount").first()
    if tier is None:
        return ZERO
    return (amount * tier.percent / 100).quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)


def _offered(code: str) -> tuple[Gateway, Method]:
    gateway = gateway_for(code)
    method = next((method for method in methods_offered() if method.code == code), None)
    if gateway is None or method is None:
        raise PaymentRefused(GATEWAY_UNAVAILABLE, field="method")
    return gateway, method


def payment_quote(*, gateway_code: str, amount: Decimal | str) -> Quote:
    """The fee, bonus and total of adding `amount` through a gateway; PaymentRefused with the reason
    (no such method, not an amount, outside the method's min and max)."""
    _, method = _offered(gateway_code)
    return _quote(method, amount)


def _quote(method: Method, amount: Decimal | str) -> Quote:
    try:
        value = parse_amount(amount)
    except ValueError as error:
        raise PaymentRefused(str(error), field="amount") from None
    # Gateways take cents: an amount of finer precision would be paid as another amount.
    if value != value.quantize(Decimal("0.01")):
        raise PaymentRefused("Enter the amount in whole cents (at most 2 decimal places).", field="amount")
    if value < method.min_amount or value > method.max_amount:
        raise PaymentRefused(
            f"{method.label} takes from {method.min_amount.normalize():f} to "
            f"{method.max_amount.normalize():f} {settings.PANEL_CURRENCY} in one payment.",
            field="amount",
        )
    fee = (value * method.fee_percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Quote(
        method=method,
        amount=value,
        fee=fee,
        bonus=bonus_for(amount=value),
        pay_amount=value + fee,
        currency=settings.PANEL_CURRENCY,
    )


def _customer_may_deposit(customer: User, *, ip: str | None) -> None:
    """PaymentRefused when fraud controls refuse `customer` a new payment."""
    if customer.frozen_at is not None:
        raise PaymentRefused(ACCOUNT_FROZEN)
    rule = blocklist_match(email=customer.email, ip=ip)
    if rule is not None:
        raise PaymentRefused(blocked_text(rule))
    # Only the first deposit waits: a customer who already deposited has shown who they are.
    if (
        settings.DEPOSIT_REQUIRES_VERIFIED_EMAIL
        and not _verified(customer)
        and not ledger_entries(customer_id=customer.pk, kind=EntryKind.DEPOSIT).exists()
    ):
        raise PaymentRefused(EMAIL_NOT_VERIFIED, link=("account_email", RESEND_VERIFICATION))


def _verified(customer: User) -> bool:
    return EmailAddress.objects.filter(
        user_id=customer.pk, email__iexact=customer.email, verified=True
    ).exists()


def payment_create(
    *,
    customer: User,
    gateway_code: str,
    amount: Decimal | str,
    success_url: str,
    cancel_url: str,
    notify_url: str,
    ip: str | None = None,
) -> Payment:
    """A payment of `amount` (quoted as payment_quote does) made at the gateway; the customer's
    browser goes to its `checkout_url`. The URLs may contain "{payment}", replaced by its id.

    The Payment row is written first and committed, so that the gateway's id is known to belong to
    it; the gateway is called outside any transaction (a slow gateway holds no lock). A gateway that
    refuses marks the payment failed and raises PaymentRefused. So does, before anything is made, a
    frozen account, a blocked e-mail or address `ip` (panel.clientip's), and, with
    settings.DEPOSIT_REQUIRES_VERIFIED_EMAIL, a first deposit from an unconfirmed e-mail address.
    """
    _customer_may_deposit(customer, ip=ip)
    gateway, method = _offered(gateway_code)
    quote = _quote(method, amount)
    payment = Payment.objects.create(
        customer=customer,
        gateway=gateway.code,
        amount=quote.amount,
        bonus=quote.bonus,
        fee=quote.fee,
        pay_amount=quote.pay_amount,
        pay_currency=quote.currency,
    )
    urls = {
        name: url.replace("{payment}", str(payment.pk))
        for name, url in (
            ("success_url", success_url),
            ("cancel_url", cancel_url),
            ("notify_url", notify_url),
        )
    }
    try:
        checkout = gateway.checkout_create(payment=payment, **urls)
    except GatewayError as error:
        log.warning("payment %s: the gateway %s refused the checkout: %s", payment.pk, gateway.code, error)
        Payment.objects.filter(pk=payment.pk).update(state=PaymentState.FAILED)
        raise PaymentRefused(GATEWAY_FAILED) from None
    Payment.objects.filter(pk=payment.pk).update(
        gateway_payment_id=checkout.gateway_payment_id, checkout_url=checkout.redirect_url[:2000]
    )
    payment.gateway_payment_id = checkout.gateway_payment_id
    payment.checkout_url = checkout.redirect_url
    return payment
