"""Refunds pressed on the test gateway's index later take the money back, their amounts cumulative."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from billing.audit import ledger_audit
from billing.models import Balance
from payments.models import PaymentState
from payments.services import payment_check

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_refunds_take_back_what_they_add_up_to_and_a_check_takes_no_more(
    test_gateway, test_gateway_payment, make_customer
):
    customer = make_customer(funds=0)
    payment = test_gateway_payment(customer, "25.00")
    test_gateway.pay(test_gateway.get(payment.gateway_payment_id))
    assert Balance.objects.get(customer=customer).amount == Decimal("25.00000")

    refund_url = f"{test_gateway.url}/payments/{payment.gateway_payment_id}/refund"
    for amount in ("10.00", "5.00"):
        pressed = requests.post(refund_url, data={"amount": amount}, allow_redirects=False, timeout=30)
        assert pressed.status_code == 303
    deliveries = test_gateway.get(payment.gateway_payment_id).deliveries
    assert [(d.type, d.answer) for d in deliveries[1:]] == [("payment.refunded", "HTTP 200")] * 2
    assert b'"amount": "15.00"' in deliveries[-1].body  # the refunded total so far

    payment.refresh_from_db()
    assert (payment.state, payment.refunded) == (PaymentState.REFUNDED, Decimal("15.00000"))
    assert Balance.objects.get(customer=customer).amount == Decimal("10.00000")
    payment_check(payment=payment)  # the gateway says the same: nothing more taken
    assert Balance.objects.get(customer=customer).amount == Decimal("10.00000")
    index = requests.get(f"{test_gateway.url}/", timeout=10).text
    assert "refunded 15.00 USD" in index
    assert ledger_audit() == []
