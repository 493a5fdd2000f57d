"""Each gateway, end to end: the panel makes the payment at the gateway, the customer pays there, the
gateway's signed webhook reaches the panel over HTTP, and the balance is credited the payment's
amount (and its bonus tier's extra), once, with the books clean."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from payments.models import EventOutcome, PaymentState
from tests.payments.gateway_flows import money_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_confirmation_credits_the_amount_paid_at_the_gateway(gateway, make_customer):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "12.34")
    assert money_of(customer) == (0, 0)  # made at the gateway, not paid: nothing yet

    assert gateway.deliver(gateway.pay(payment)) == 200

    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert not payment.flagged
    assert money_of(customer) == (Decimal("12.34"), 0)
    assert [(e.kind, e.amount) for e in LedgerEntry.objects.filter(payment=payment)] == [
        (EntryKind.DEPOSIT, Decimal("12.34"))
    ]
    assert list(payment.events.values_list("outcome", "source")) == [(EventOutcome.APPLIED, "webhook")]
    assert ledger_audit() == []


def test_a_payment_in_a_bonus_tier_is_credited_its_bonus_once_besides(gateway, make_customer, bonus_tier):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "30.00")
    assert payment.bonus == Decimal("3.00")

    delivery = gateway.pay(payment)
    assert [gateway.deliver(delivery) for _ in range(2)] == [200, 200]

    assert money_of(customer) == (Decimal("33.00"), 0)
    kinds = sorted(LedgerEntry.objects.filter(payment=payment).values_list("kind", flat=True))
    assert kinds == sorted([EntryKind.DEPOSIT, EntryKind.BONUS])
    assert ledger_audit() == []
