from decimal import Decimal

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from billing.models import EntryKind, LedgerEntry
from billing.selectors import balance_amount
from billing.services import AlreadyCharged, BillingError, InsufficientFunds, ledger_charge
from orders.models import Order
from tests.billing.factories import CustomerFactory, OrderFactory


@pytest.mark.django_db
def test_a_charge_debits_the_orders_charge_and_records_a_negative_entry(funded_customer, charged_order):
    customer = funded_customer("10")
    order = charged_order(customer, "3.25001")
    entry = LedgerEntry.objects.get(order=order)
    assert (entry.kind, entry.amount, entry.balance_after) == (
        EntryKind.CHARGE,
        Decimal("-3.25001"),
        Decimal("6.74999"),
    )
    assert entry.created_by is None
    assert balance_amount(customer_id=customer.pk) == Decimal("6.74999")


@pytest.mark.django_db
def test_a_charge_may_take_the_balance_to_exactly_zero(funded_customer, charged_order):
    customer = funded_customer("10")
    charged_order(customer, "10")
    assert balance_amount(customer_id=customer.pk) == 0


@pytest.mark.django_db
def test_a_charge_above_the_balance_is_refused_and_the_callers_transaction_goes_on(
    funded_customer, service, books
):
    customer = funded_customer("10")
    before = books(customer)
    with transaction.atomic():
        order = OrderFactory(customer=customer, service=service, charge=Decimal("10.00001"))
        with pytest.raises(InsufficientFunds, match=r"^Not enough funds on balance$"):
            ledger_charge(order=order)
        # Still usable: the refusal rolled back to its own savepoint only.
        assert Order.objects.filter(pk=order.pk).exists()
        transaction.set_rollback(True)
    assert books(customer) == before


@pytest.mark.django_db
def test_a_customer_without_a_balance_row_cannot_be_charged(service):
    with transaction.atomic():
        order = OrderFactory(customer=CustomerFactory(), service=service, charge=Decimal("0.00001"))
        with pytest.raises(InsufficientFunds):
            ledger_charge(order=order)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_charging_an_order_twice_is_refused_and_the_balance_moves_once(funded_customer, charged_order, books):
    customer = funded_customer("10")
    order = charged_order(customer, "4")
    before = books(customer)
    with pytest.raises(AlreadyCharged):
        ledger_charge(order=order)
    assert books(customer) == before
    assert balance_amount(customer_id=customer.pk) == Decimal(6)


@pytest.mark.django_db
@pytest.mark.parametrize("charge", ["0", "-1"])
def test_an_order_that_costs_nothing_is_not_charged(funded_customer, service, books, charge):
    customer = funded_customer("10")
    order = Order(customer=customer, service=service, provider=service.provider, quantity=1, rate=0, pk=10**9)
    order.charge = Decimal(charge)
    before = books(customer)
    with pytest.raises(BillingError, match="more than zero"):
        ledger_charge(order=order)
    assert books(customer) == before


@pytest.mark.django_db
def test_an_unsaved_order_is_not_charged(funded_customer, service):
    order = OrderFactory.build(customer=funded_customer("10"), service=service)
    with pytest.raises(BillingError, match="after it is saved"):
        ledger_charge(order=order)


@pytest.mark.django_db(transaction=True)
def test_a_charge_outside_a_transaction_is_a_programming_error(funded_customer, service, books):
    customer = funded_customer("10")
    order = OrderFactory(customer=customer, service=service, charge=Decimal("1"))
    before = books(customer)
    with pytest.raises(TransactionManagementError, match="inside the caller's transaction"):
        ledger_charge(order=order)
    assert books(customer) == before
