"""A test gateway payment paid while the panel could not be reached is credited when the panel
asks the gateway (the check of open payments), once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import Balance
from payments.models import PaymentState
from payments.services import payment_check, payment_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_check_credits_a_payment_the_callback_never_reached(test_gateway, make_customer):
    customer = make_customer(funds=0)
    nowhere = "http://127.0.0.1:9/payments/test/webhook/"  # the discard port: nothing listens
    payment = payment_create(
        customer=customer,
        gateway_code="test",
        amount=Decimal("12.50"),
        success_url=nowhere,
        cancel_url=nowhere,
        notify_url=nowhere,
    )
    delivery = test_gateway.pay(test_gateway.get(payment.gateway_payment_id))
    assert delivery is not None and delivery.answer.startswith("not delivered")
    payment.refresh_from_db()
    assert payment.state == PaymentState.CREATED

    for _ in range(2):
        payment_check(payment=payment)
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert Balance.objects.get(customer=customer).amount == Decimal("12.50000")
