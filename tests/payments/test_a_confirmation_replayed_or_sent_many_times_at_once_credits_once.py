"""Each gateway: the same verified confirmation delivered again and again, one after the other or
twenty at once over HTTP to the live server (each request its own thread and database connection),
credits the payment once; every copy is answered 200 so that the gateway stops retrying."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from payments.models import PaymentEvent, PaymentState
from tests.payments.gateway_flows import money_of
from tests.racing import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_five_replays_one_after_the_other_credit_once(gateway, make_customer):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "20.00")
    delivery = gateway.pay(payment)

    assert [gateway.deliver(delivery) for _ in range(5)] == [200] * 5

    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert money_of(customer) == (Decimal("20.00"), 0)
    assert LedgerEntry.objects.filter(payment=payment, kind=EntryKind.DEPOSIT).count() == 1
    assert PaymentEvent.objects.filter(payment=payment).count() == 1  # the copies are replays
    assert ledger_audit() == []


def test_twenty_copies_at_once_credit_once(gateway, make_customer, bonus_tier):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "40.00")
    delivery = gateway.pay(payment)

    answers = race([lambda: gateway.deliver(delivery)] * 20)

    assert answers == [200] * 20
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert money_of(customer) == (Decimal("44.00"), 0)  # 40 and its 10 % bonus, once
    entries = LedgerEntry.objects.filter(payment=payment)
    assert sorted(entries.values_list("kind", flat=True)) == sorted([EntryKind.DEPOSIT, EntryKind.BONUS])
    assert PaymentEvent.objects.filter(payment=payment).count() == 1
    assert ledger_audit() == []
