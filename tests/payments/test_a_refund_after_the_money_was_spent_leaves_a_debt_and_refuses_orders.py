"""Each gateway: a payment refunded at the gateway (or charged back) after the customer spent its
money takes back what the balance still holds and leaves the rest as the customer's debt, never a
negative balance; the payment's bonus goes back with it. While the debt is open new orders are
refused with a message naming it; the next deposit settles the debt first, then orders pass."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from billing.money import money_display
from orders.errors import OUTSTANDING_DEBT, OrderRefused
from payments.models import PaymentState
from tests.payments.gateway_flows import WITH_CHARGEBACKS, WITH_PARTIAL_REFUNDS, money_of

pytestmark = pytest.mark.django_db(transaction=True)

CREDITED = Decimal("27.50")  # 25.00 and its 10 % bonus


@pytest.fixture
def spent(gateway, make_customer, place_order, bonus_tier):
    """A customer credited 25.00 (+2.50 bonus) by `gateway`, who then spent most of it on an order:
    (customer, payment, what the order cost)."""
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "25.00")
    assert gateway.deliver(gateway.pay(payment)) == 200
    assert money_of(customer) == (CREDITED, 0)
    charge = place_order(customer=customer, quantity=10000).charge
    assert 0 < charge < CREDITED
    return customer, payment, charge


def _debt_left_and_orders_refused(gateway, place_order, customer, payment, charge, state) -> None:
    payment.refresh_from_db()
    assert payment.state == state
    assert money_of(customer) == (0, charge)  # the balance gave what it had; the rest is owed
    assert payment.flagged and "debt" in payment.flag_reason
    reversed_ = LedgerEntry.objects.filter(
        payment=payment, kind__in=[EntryKind.REVERSAL, EntryKind.BONUS_REVERSAL]
    )
    assert sum(e.debt_change - e.amount for e in reversed_) == CREDITED  # deposit and bonus, all of it
    assert ledger_audit() == []

    with pytest.raises(OrderRefused) as refused:
        place_order(customer=customer)
    assert refused.value.code == OUTSTANDING_DEBT
    assert "debt" in refused.value.message and money_display(charge) in refused.value.message
    assert money_of(customer) == (0, charge)

    # The next payment pays the debt first; what is left is the customer's to spend.
    again = gateway.start(customer, "25.00")
    assert gateway.deliver(gateway.pay(again)) == 200
    assert money_of(customer) == (CREDITED - charge, 0)
    assert LedgerEntry.objects.filter(customer=customer, kind=EntryKind.SETTLEMENT).count() == 1
    order = place_order(customer=customer)
    assert money_of(customer) == (CREDITED - charge - order.charge, 0)
    assert ledger_audit() == []


def test_a_full_refund_after_spending_leaves_the_rest_as_debt(gateway, place_order, spent):
    customer, payment, charge = spent
    delivery = gateway.refund(payment, payment.pay_amount)
    assert [gateway.deliver(delivery) for _ in range(2)] == [200, 200]  # a replay takes nothing more
    _debt_left_and_orders_refused(gateway, place_order, customer, payment, charge, PaymentState.REFUNDED)


@pytest.mark.parametrize("gateway", WITH_CHARGEBACKS, indirect=True)
def test_a_chargeback_after_spending_leaves_the_rest_as_debt(gateway, place_order, spent):
    customer, payment, charge = spent
    assert gateway.deliver(gateway.dispute(payment)) == 200
    _debt_left_and_orders_refused(gateway, place_order, customer, payment, charge, PaymentState.DISPUTED)


@pytest.mark.parametrize("gateway", WITH_PARTIAL_REFUNDS, indirect=True)
def test_partial_refunds_take_back_their_share_of_the_deposit_and_the_bonus(
    gateway, make_customer, bonus_tier
):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "25.00")
    assert gateway.deliver(gateway.pay(payment)) == 200

    first = gateway.refund(payment, Decimal("10.00"))
    assert [gateway.deliver(first) for _ in range(2)] == [200, 200]
    assert money_of(customer) == (CREDITED - Decimal("11.00"), 0)  # 10 of 25, and 1 of its 2.50 bonus

    assert gateway.deliver(gateway.refund(payment, Decimal("15.00"))) == 200  # 25 refunded in all
    assert money_of(customer) == (0, 0)
    payment.refresh_from_db()
    assert (payment.state, payment.refunded, payment.flagged) == (PaymentState.REFUNDED, Decimal(25), False)
    assert ledger_audit() == []
