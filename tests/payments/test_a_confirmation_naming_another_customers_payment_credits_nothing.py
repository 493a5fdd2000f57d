"""Each gateway: a customer's payment whose confirmation, at the gateway, names another customer's
payment (its reference edited there) credits neither of them: the gateway payment is the first
customer's, the event says it is the other's, so it is refused and the first payment flagged."""

from __future__ import annotations

import pytest

from billing.audit import ledger_audit
from billing.models import LedgerEntry
from payments.models import EventOutcome, PaymentState
from tests.payments.gateway_flows import money_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_confirmation_naming_another_customers_payment_pays_neither(gateway, make_customer):
    mallory, alice = make_customer(funds=0), make_customer(funds=0)
    hers = gateway.start(alice, "25.00")
    his = gateway.start(mallory, "25.00")
    gateway.name_another(his, hers)

    assert gateway.deliver(gateway.pay(his)) == 200

    his.refresh_from_db()
    hers.refresh_from_db()
    assert (his.state, hers.state) == (PaymentState.CREATED, PaymentState.CREATED)
    assert his.flagged and f"names payment {hers.pk}" in his.flag_reason
    assert not hers.flagged
    assert list(his.events.values_list("outcome", flat=True)) == [EventOutcome.REFUSED]
    assert not hers.events.exists()
    assert money_of(mallory) == money_of(alice) == (0, 0)
    assert not LedgerEntry.objects.filter(payment__isnull=False).exists()
    assert ledger_audit() == []
