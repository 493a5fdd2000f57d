"""A dispute opened on the test gateway's index takes the payment back, once, whether the panel
hears of it by the callback or by asking the gateway afterwards."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from billing.models import Balance
from payments.models import PaymentState
from payments.services import payment_check

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dispute_takes_the_money_back_once(test_gateway, test_gateway_payment, make_customer):
    customer = make_customer(funds=0)
    payment = test_gateway_payment(customer, "20.00")
    test_gateway.pay(test_gateway.get(payment.gateway_payment_id))
    pressed = requests.post(
        f"{test_gateway.url}/payments/{payment.gateway_payment_id}/dispute", allow_redirects=False, timeout=30
    )
    assert pressed.status_code == 303
    payment_check(payment=payment)
    payment.refresh_from_db()
    assert payment.state == PaymentState.DISPUTED and len(payment.disputes) == 1
    balance = Balance.objects.get(customer=customer)
    assert (balance.amount, balance.debt) == (Decimal("0"), Decimal("0"))
