"""Each gateway: webhooks are not delivered in order (Stripe says so in as many words), so a refund's
webhook may reach the panel before the confirmation of the payment it refunds. The refund is
recorded and moves nothing (nothing was credited); when the confirmation arrives the payment is
credited and taken back at once, so the balance ends where the gateway's books do. The payment
then says what happened to it: refunded, not paid, and its ledger entries say so too."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from payments.models import PaymentState
from tests.payments.gateway_flows import money_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refund_before_the_confirmation_is_taken_back_on_credit(gateway, make_customer, bonus_tier):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "25.00")
    confirmation = gateway.pay(payment)
    refund = gateway.refund(payment, payment.pay_amount)

    assert gateway.deliver(refund) == 200  # the refund overtook the confirmation
    payment.refresh_from_db()
    assert payment.state == PaymentState.CREATED
    assert payment.refunded == Decimal("25.00")
    assert money_of(customer) == (0, 0)
    assert not LedgerEntry.objects.exists()

    assert gateway.deliver(confirmation) == 200
    payment.refresh_from_db()
    assert money_of(customer) == (0, 0)  # 27.50 credited (with its bonus), 27.50 taken back
    kinds = sorted(LedgerEntry.objects.filter(payment=payment).values_list("kind", flat=True))
    assert kinds == sorted([EntryKind.DEPOSIT, EntryKind.BONUS, EntryKind.REVERSAL, EntryKind.BONUS_REVERSAL])
    assert payment.state == PaymentState.REFUNDED
    reversal = LedgerEntry.objects.get(payment=payment, kind=EntryKind.REVERSAL)
    assert "refunded at the gateway" in reversal.reason
    assert ledger_audit() == []
