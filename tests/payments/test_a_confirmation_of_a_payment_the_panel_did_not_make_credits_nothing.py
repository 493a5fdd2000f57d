"""Each gateway: a genuinely signed confirmation of a gateway payment the panel never made (another
account's, or one a forger opened and paid himself, naming a payment id of ours) credits nothing.
It is kept in the log as unmatched, answered 200 (the gateway must not retry it forever), and the
payment it names, whether it exists yet or not, stays unpaid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import LedgerEntry
from payments.models import EventOutcome, Payment, PaymentEvent, PaymentState
from tests.payments.gateway_flows import money_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_gateway_payment_naming_our_payment_does_not_pay_it(gateway, make_customer):
    customer = make_customer(funds=0)
    ours = gateway.start(customer, "25.00")
    theirs = gateway.foreign(str(ours.pk), Decimal("25.00"))  # same amount, same reference

    assert gateway.deliver(gateway.pay_foreign(theirs)) == 200

    ours.refresh_from_db()
    assert ours.state == PaymentState.CREATED
    assert money_of(customer) == (0, 0)
    [event] = PaymentEvent.objects.all()
    assert (event.payment, event.outcome, event.gateway_payment_id) == (None, EventOutcome.UNMATCHED, theirs)
    assert not LedgerEntry.objects.exists()
    assert ledger_audit() == []


def test_a_confirmation_before_the_payment_it_names_exists_pays_nothing_when_it_does(gateway, make_customer):
    customer = make_customer(funds=0)
    upcoming = str((Payment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1)
    theirs = gateway.foreign(upcoming, Decimal("25.00"))
    delivery = gateway.pay_foreign(theirs)
    assert gateway.deliver(delivery) == 200

    payment = gateway.start(customer, "25.00")  # now the payment exists (by the id named, most likely)
    assert gateway.deliver(delivery) == 200  # the gateway's retry of it

    payment.refresh_from_db()
    assert payment.state == PaymentState.CREATED
    assert money_of(customer) == (0, 0)
    assert list(PaymentEvent.objects.values_list("outcome", flat=True)) == [EventOutcome.UNMATCHED]
    assert ledger_audit() == []
