"""Each gateway: a confirmation whose signature does not verify (signed with another key) or that
carries none is answered 400, and nothing is recorded: no event, no money, the payment as it was.
Because nothing was recorded, the genuine confirmation that follows still credits the payment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import LedgerEntry
from payments.models import PaymentEvent, PaymentState
from tests.payments.gateway_flows import money_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_forged_and_unsigned_copies_are_refused_and_the_genuine_one_still_credits(gateway, make_customer):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "25.00")
    genuine = gateway.pay(payment)

    assert gateway.deliver(gateway.forge(genuine)) == 400
    assert gateway.deliver(gateway.unsigned(genuine)) == 400

    payment.refresh_from_db()
    assert (payment.state, payment.flagged) == (PaymentState.CREATED, False)
    assert not PaymentEvent.objects.exists()
    assert not LedgerEntry.objects.exists()
    assert money_of(customer) == (0, 0)

    assert gateway.deliver(genuine) == 200
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert money_of(customer) == (Decimal("25.00"), 0)
    assert ledger_audit() == []
