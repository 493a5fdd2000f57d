"""A Stripe payment from its Checkout Session to its deposit, through the webhook over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from payments.models import Payment, PaymentState
from payments.services import payment_create

pytestmark = pytest.mark.django_db(transaction=True)


def _start(customer, live_server, amount: str = "25.00") -> Payment:
    return payment_create(
        customer=customer,
        gateway_code="stripe",
        amount=Decimal(amount),
        success_url=f"{live_server.url}/payments/{{payment}}/back/",
        cancel_url=f"{live_server.url}/payments/{{payment}}/canceled/",
        notify_url=f"{live_server.url}/payments/stripe/webhook/",
    )


def test_the_completed_session_credits_the_amount_once_however_often_it_arrives(
    stripe_standin, make_customer, live_server
):
    customer = make_customer(funds=0)
    payment = _start(customer, live_server)
    delivery = stripe_standin.complete(payment.gateway_payment_id)
    url = f"{live_server.url}/payments/stripe/webhook/"
    answers = [stripe_standin.deliver(delivery, url).status_code for _ in range(5)]
    assert answers == [200] * 5
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert Balance.objects.get(customer=customer).amount == Decimal("25.00000")
    assert LedgerEntry.objects.filter(payment=payment, kind=EntryKind.DEPOSIT).count() == 1
    assert ledger_audit() == []
