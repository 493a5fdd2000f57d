"""Each gateway: a verified confirmation that says another amount was paid than the payment asked
for (less, or more) is refused: nothing is credited, the payment stays unpaid and is flagged for
staff with both amounts, and the event is in its log as refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import LedgerEntry
from payments.models import EventOutcome, PaymentState
from tests.payments.gateway_flows import money_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("paid", ["1.00", "250.00"])
def test_a_confirmation_of_another_amount_is_refused(gateway, make_customer, paid):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "25.00")

    assert gateway.deliver(gateway.pay(payment, amount=Decimal(paid))) == 200

    payment.refresh_from_db()
    assert payment.state == PaymentState.CREATED
    assert payment.flagged
    assert "nothing credited" in payment.flag_reason
    [event] = payment.events.all()
    assert (event.outcome, event.amount) == (EventOutcome.REFUSED, Decimal(paid))
    assert money_of(customer) == (0, 0)
    assert not LedgerEntry.objects.filter(payment=payment).exists()
    assert ledger_audit() == []
