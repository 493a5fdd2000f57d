""" "Fail" on the test gateway's pay page fails the payment: nothing credited, and the customer,
back on the panel, is told so."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from billing.models import Balance
from payments.models import PaymentState

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_failed_payment_credits_nothing_and_the_customer_is_told(
    test_gateway, test_gateway_payment, make_customer, client
):
    customer = make_customer(funds=0)
    payment = test_gateway_payment(customer, "25.00")
    failed = requests.post(payment.checkout_url, data={"action": "fail"}, allow_redirects=False, timeout=30)
    assert failed.status_code == 303
    payment.refresh_from_db()
    assert payment.state == PaymentState.FAILED
    assert not Balance.objects.filter(customer=customer, amount__gt=0).exists()

    client.force_login(customer)
    back = client.get(urlsplit(failed.headers["Location"]).path, follow=True)
    assert "did not go through" in back.content.decode()
