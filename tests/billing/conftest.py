"""Fixtures for the billing tests: funded customers and orders charged the way orders.place does."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from billing.models import LedgerEntry
from billing.selectors import balance_amount
from billing.services import ledger_charge, ledger_deposit
from orders.models import Order
from tests.billing.factories import CustomerFactory, OrderFactory, ServiceFactory


@pytest.fixture
def service():
    return ServiceFactory()


@pytest.fixture
def funded_customer():
    """Makes a customer with `amount` deposited."""

    def make(amount: Decimal | str = "100") -> object:
        customer = CustomerFactory()
        ledger_deposit(customer=customer, amount=Decimal(amount), created_by=None, reason="test funds")
        return customer

    return make


@pytest.fixture
def charged_order(service):
    """Places an order for `customer` costing `charge` and charges it, in one transaction."""

    def make(customer, charge: Decimal | str = "10", **fields) -> Order:
        with transaction.atomic():
            order = OrderFactory(customer=customer, service=service, charge=Decimal(charge), **fields)
            ledger_charge(order=order)
        return order

    return make


@pytest.fixture
def books():
    """What a refused call must leave alone: a customer's balance, and every entry and order refund."""

    def snapshot(customer) -> tuple:
        return (
            balance_amount(customer_id=customer.pk),
            list(LedgerEntry.objects.order_by("id").values_list("id", "amount", "balance_after")),
            list(Order.objects.order_by("id").values_list("id", "refunded")),
        )

    return snapshot


@pytest.fixture
def paid_payment():
    """Makes a gateway payment of `amount` (and `bonus`) for `customer`, credited as the payments
    services credit one once the gateway confirmed it."""
    from billing.services import ledger_payment_deposit
    from payments.models import Payment, PaymentState

    def make(customer, amount: Decimal | str = "10", bonus: Decimal | str = "0") -> Payment:
        with transaction.atomic():
            payment = Payment.objects.create(
                customer=customer,
                gateway="stripe",
                gateway_payment_id=f"cs_test_{customer.pk}_{Payment.objects.count()}",
                amount=Decimal(amount),
                bonus=Decimal(bonus),
                pay_amount=Decimal(amount),
                pay_currency="USD",
                state=PaymentState.PAID,
            )
            ledger_payment_deposit(payment=payment)
        return payment

    return make
