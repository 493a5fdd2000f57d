"""What a verified gateway event does to a payment, once (docs/design.md, "Payments").

The rules, as the code enforces them:
- A deposit is credited only when the gateway itself confirms it: a webhook that verified with the
  gateway's own scheme, or the gateway's answer to a server-side fetch. A browser coming back to a
  return URL proves nothing (payments.gateways.base).
- Exactly once per gateway payment: the event is stored under unique (gateway, event_id) and the
  payment's row is locked while it applies, so replays and concurrent copies find it done; the
  ledger's unique (payment, deposit) makes a second credit impossible besides.
- The amount and currency credited are the ones the payment was created for; a confirmation that
  disagrees, or that names another payment of ours, is refused, flagged for staff and credits nothing.
- A refund or chargeback at the gateway takes the money back as far as the balance goes; the rest
  is the customer's debt (billing.services.payments) and staff are told.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from django.core.mail import mail_admins
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from billing.money import MAX_AMOUNT, ZERO, money_display
from billing.services import ledger_payment_deposit, ledger_payment_reverse
from notifications.services import notices_record_payment
from payments.gateways import gateway_for
from payments.gateways.base import EventKind, Gateway, GatewayError, GatewayEvent
from payments.models import CREDITED_STATES, EventOutcome, Payment, PaymentEvent, PaymentState

log = logging.getLogger(__name__)

_FIELD = 200  # PaymentEvent's event_id and gateway_payment_id columns


class UnknownGateway(GatewayError):
    """A webhook for a gateway code the panel does not have (404)."""


def _fits(amount: Decimal | None) -> Decimal | None:
    return amount if amount is not None and amount.is_finite() and abs(amount) <= MAX_AMOUNT else None


def _record(*, code: str, event: GatewayEvent, payment: Payment | None, source: str) -> PaymentEvent | None:
    """The event stored once; None when a copy of it is stored already (a replay)."""
    record = PaymentEvent(
        payment=payment,
        gateway=code,
        event_id=event.event_id[:_FIELD],
        kind=event.kind,
        gateway_payment_id=event.gateway_payment_id[:_FIELD],
        amount=_fits(event.amount),
        currency=event.currency[:10],
        source=source,
        outcome=EventOutcome.UNCHANGED,
        raw=dict(event.raw),
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        return None
    return record


def _flag(payment: Payment, reason: str) -> None:
    payment.flagged = True
    payment.flag_reason = reason[:500]


def _same_money(payment: Payment, event: GatewayEvent) -> bool:
    return event.amount == payment.pay_amount and event.currency.upper() == payment.pay_currency.upper()


def _paid(payment: Payment, event: GatewayEvent) -> tuple[EventOutcome, str]:
    if payment.state in CREDITED_STATES:
        return EventOutcome.UNCHANGED, "Credited already"
    if not _same_money(payment, event):
        note = (
            f"The gateway confirmed {event.amount} {event.currency.upper()}, the payment is for "
            f"{payment.pay_amount} {payment.pay_currency}: nothing credited"
        )
        _flag(payment, note)
        return EventOutcome.REFUSED, note
    ledger_payment_deposit(payment=payment)
    notices_record_payment(payment=payment)  # in this transaction; e-mailed once it commits
    payment.state = PaymentState.PAID
    payment.paid_at = timezone.now()
    note = ""
    if payment.refunded or payment.disputes:
        # A refund or dispute that reached us before the confirmation is applied now, and the
        # payment says so (as it would had the events come in order).
        payment.state = PaymentState.DISPUTED if payment.disputes else PaymentState.REFUNDED
        note = _reverse(payment)
    return EventOutcome.APPLIED, f"Credited {money_display(payment.amount)}" + (f"; {note}" if note else "")


def _taken_back(payment: Payment) -> Decimal:
    disputed = sum((Decimal(value) for value in payment.disputes.values()), ZERO)
    return min(payment.pay_amount, payment.refunded + disputed)


def _reverse(payment: Payment) -> str:
    """Apply what the gateway took back so far; returns a note for the event log."""
    reversal = ledger_payment_reverse(
        payment=payment,
        taken_back=_taken_back(payment),
        reason=f"Payment {payment.pk} ({payment.gateway}) {payment.state} at the gateway",
    )
    if not reversal.entries:
        return "Nothing more to take back"
    note = f"Took back {money_display(reversal.taken)}"
    if reversal.debt > 0:
        note += f"; {money_display(reversal.debt)} the balance did not cover is now the customer's debt"
        _flag(payment, note)
        transaction.on_commit(
            lambda: mail_admins(
                f"Payment {payment.pk} reversed into debt",
                f"{note}. Customer {payment.customer_id}; new orders are refused until it is settled.",
                fail_silently=True,
            )
        )
    return note


def _taken_back_event(payment: Payment, event: GatewayEvent) -> tuple[EventOutcome, str]:
    amount = _fits(event.amount)
    if (
        amount is None
        or amount < 0
        or (event.currency and event.currency.upper() != payment.pay_currency.upper())
    ):
        note = f"A {event.kind} of {event.amount} {event.currency.upper()} cannot be read against the payment"
        _flag(payment, note)
        return EventOutcome.REFUSED, note
    if event.kind == EventKind.REFUNDED:
        if amount <= payment.refunded:
            return EventOutcome.UNCHANGED, "Refunded as far already"
        payment.refunded = min(amount, payment.pay_amount)
    else:
        key = (event.reversal_id or event.event_id)[:_FIELD]
        if key in payment.disputes:
            return EventOutcome.UNCHANGED, "This dispute is recorded already"
        payment.disputes = {**payment.disputes, key: str(amount)}
    if payment.state not in CREDITED_STATES:
        return EventOutcome.APPLIED, "Recorded; the payment was never credited, so nothing is taken back"
    payment.state = PaymentState.REFUNDED if event.kind == EventKind.REFUNDED else PaymentState.DISPUTED
    return EventOutcome.APPLIED, _reverse(payment)


def _decide(payment: Payment, event: GatewayEvent) -> tuple[EventOutcome, str]:
    if event.panel_payment_id is not None and event.panel_payment_id != payment.pk:
        note = (
            f"The gateway's payment is payment {payment.pk}'s, "
            f"but the event names payment {event.panel_payment_id}: nothing credited"
        )
        _flag(payment, note)
        return EventOutcome.REFUSED, note
    if event.kind == EventKind.PAID:
        return _paid(payment, event)
    if event.kind in (EventKind.REFUNDED, EventKind.DISPUTED):
        return _taken_back_event(payment, event)
    if event.kind == EventKind.PENDING and payment.state == PaymentState.CREATED:
        payment.state = PaymentState.PENDING
        return EventOutcome.APPLIED, "The customer is paying"
    if event.kind == EventKind.FAILED and payment.state in (PaymentState.CREATED, PaymentState.PENDING):
        payment.state = PaymentState.FAILED
        return EventOutcome.APPLIED, "The payment failed or expired at the gateway"
    return EventOutcome.UNCHANGED, ""


def payment_event_apply(*, gateway_code: str, event: GatewayEvent, source: str) -> PaymentEvent | None:
    """Apply one verified event of `gateway_code`; returns its stored record, None for a replay.

    One transaction: the payment's row lock (payments before balances, as billing's order of
    locks says), the event's insert (a replay stops here), then the money.
    """
    with transaction.atomic():
        payment = None
        if event.gateway_payment_id:
            payment = (
                Payment.objects.select_for_update()
                .filter(gateway=gateway_code, gateway_payment_id=event.gateway_payment_id)
                .first()
            )
        record = _record(code=gateway_code, event=event, payment=payment, source=source)
        if record is None:
            return None
        if payment is None:
            outcome, note = (
                (EventOutcome.UNCHANGED, "")
                if event.kind == EventKind.IGNORED
                else (EventOutcome.UNMATCHED, "No payment of ours has this gateway id")
            )
        else:
            outcome, note = _decide(payment, event)
            payment.save(
                update_fields=[
                    "state",
                    "paid_at",
                    "refunded",
                    "disputes",
                    "flagged",
                    "flag_reason",
                    "updated_at",
                ]
            )
        record.outcome, record.note = outcome, note[:500]
        record.save(update_fields=["outcome", "note"])
    if outcome == EventOutcome.REFUSED:
        log.warning("%s event %s refused: %s", gateway_code, event.event_id, note)
    return record


def _configured(code: str) -> Gateway | None:
    """The gateway of `code` when its secrets are set, else None."""
    gateway = gateway_for(code)
    return gateway if gateway is not None and gateway.configured() else None


def _events_apply(gateway: Gateway, events: list[GatewayEvent], *, source: str) -> list[PaymentEvent]:
    """Apply a gateway's verified events in order; the ones recorded (replays left out)."""
    applied = [payment_event_apply(gateway_code=gateway.code, event=event, source=source) for event in events]
    return [record for record in applied if record is not None]


def payment_webhook_receive(
    *, gateway_code: str, body: bytes, headers: Mapping[str, str]
) -> list[PaymentEvent]:
    """Verify a gateway's webhook with the gateway's own scheme and apply its events.

    Raises UnknownGateway, SignatureInvalid (forged, unsigned, stale: nothing changes) or
    GatewayError. Returns the events recorded (replays left out).
    """
    gateway = _configured(gateway_code)
    if gateway is None:
        raise UnknownGateway(f"No gateway {gateway_code!r}")
    return _events_apply(gateway, gateway.webhook_verify(body=body, headers=headers), source="webhook")


def payment_check(*, payment: Payment) -> list[PaymentEvent]:
    """Ask the gateway what became of the payment ("check with the gateway now", the beat task's
    sweep of open payments) and apply its answer. Raises GatewayError when it cannot be asked."""
    gateway = _configured(payment.gateway)
    if gateway is None:
        raise GatewayError(f"The gateway {payment.gateway!r} is not configured")
    Payment.objects.filter(pk=payment.pk).update(checked_at=timezone.now())
    if not payment.gateway_payment_id:
        return []
    return _events_apply(gateway, gateway.payment_fetch(payment=payment), source="fetch")


def payment_return(*, customer_id: int, payment_id: int, query: Mapping[str, str]) -> Payment | None:
    """The customer's browser came back from the gateway: never trusted. The gateway is asked
    (PayPal's capture happens here) and what it answers is applied. None when the payment is not
    this customer's. A gateway that cannot be asked leaves the payment as it was."""
    payment = Payment.objects.filter(pk=payment_id, customer_id=customer_id).first()
    if payment is None:
        return None
    gateway = _configured(payment.gateway)
    if gateway is not None and payment.gateway_payment_id:
        try:
            _events_apply(gateway, gateway.return_confirm(payment=payment, query=query), source="return")
        except GatewayError as error:
            log.warning("payment %s: asking %s on return failed: %s", payment.pk, payment.gateway, error)
        payment.refresh_from_db()
    return payment


def payments_check_open(*, older_than: timedelta, give_up_after: timedelta, limit: int = 100) -> int:
    """Ask the gateways about payments still open (created or pending) after `older_than`: a webhook
    lost on the way must not leave a paid payment uncredited. A payment still open after
    `give_up_after` is no longer asked; one never started by its customer is marked failed.
    Returns how many were asked."""
    now = timezone.now()
    open_states = [PaymentState.CREATED, PaymentState.PENDING]
    Payment.objects.filter(
        state=PaymentState.CREATED, created_at__lt=now - give_up_after, events__isnull=True
    ).update(state=PaymentState.FAILED, updated_at=now)
    due = (
        Payment.objects.filter(
            state__in=open_states,
            created_at__lt=now - older_than,
            created_at__gte=now - give_up_after,
        )
        .exclude(gateway_payment_id="")
        .exclude(checked_at__gte=now - older_than)
        # Never asked first: PostgreSQL sorts NULLs last by default.
        .order_by(F("checked_at").asc(nulls_first=True), "pk")[:limit]
    )
    asked = 0
    for payment in due:
        try:
            payment_check(payment=payment)
        except GatewayError as error:
            log.warning("payment %s: checking with %s failed: %s", payment.pk, payment.gateway, error)
        asked += 1
    return asked
