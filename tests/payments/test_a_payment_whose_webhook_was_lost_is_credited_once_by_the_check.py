"""Each gateway: the customer paid but the gateway's confirmation never reached the panel. The sweep
of open payments (payments_check_open, the beat task) asks the gateway server-side and credits the
payment from its answer, once; the confirmation arriving late after all, and a second sweep,
change nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import LedgerEntry
from payments.models import EventOutcome, PaymentState
from payments.services import payments_check_open
from tests.payments.gateway_flows import money_of

pytestmark = pytest.mark.django_db(transaction=True)


def _sweep() -> int:
    return payments_check_open(older_than=timedelta(0), give_up_after=timedelta(days=1))


def test_the_check_with_the_gateway_credits_a_paid_payment_whose_webhook_was_lost(gateway, make_customer):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "25.00")
    started = gateway.started(payment)
    if started is not None:
        assert gateway.deliver(started) == 200
    assert _sweep() == 1  # not paid yet: asked, nothing to credit
    assert money_of(customer) == (0, 0)

    lost = gateway.pay(payment)  # paid at the gateway; its webhook is lost on the way
    assert _sweep() == 1

    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert money_of(customer) == (Decimal("25.00"), 0)
    assert payment.events.filter(source="fetch", outcome=EventOutcome.APPLIED).count() == 1

    assert gateway.deliver(lost) == 200  # it arrives after all
    assert _sweep() == 0  # paid: no longer open, not asked again
    assert money_of(customer) == (Decimal("25.00"), 0)
    assert LedgerEntry.objects.filter(payment=payment).count() == 1
    assert ledger_audit() == []
