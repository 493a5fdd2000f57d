"""The test gateway end to end: its pay page's "Pay" sends the signed callback to the panel's
webhook over HTTP, which credits the balance once however often the callback comes."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from payments.models import PaymentState

pytestmark = pytest.mark.django_db(transaction=True)


def test_paying_on_the_pay_page_credits_once_and_sends_the_browser_back(
    test_gateway, test_gateway_payment, make_customer, live_server
):
    customer = make_customer(funds=0)
    payment = test_gateway_payment(customer, "25.00")
    assert payment.checkout_url == f"{test_gateway.url}/pay/{payment.gateway_payment_id}"
    page = requests.get(payment.checkout_url, timeout=10)
    assert page.status_code == 200 and "25.00 USD" in page.text

    paid = requests.post(payment.checkout_url, data={"action": "pay"}, allow_redirects=False, timeout=30)
    assert paid.status_code == 303
    assert paid.headers["Location"] == f"{live_server.url}/payments/{payment.pk}/back/"
    at_gateway = test_gateway.get(payment.gateway_payment_id)
    [callback] = at_gateway.deliveries
    assert (callback.type, callback.answer) == ("payment.paid", "HTTP 200")

    # The gateway resends it, and the customer presses Pay again: nothing more is credited.
    for _ in range(3):
        test_gateway.deliver(at_gateway, callback)
        assert callback.answer == "HTTP 200"
    requests.post(payment.checkout_url, data={"action": "pay"}, allow_redirects=False, timeout=30)
    assert len(at_gateway.deliveries) == 1

    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert Balance.objects.get(customer=customer).amount == Decimal("25.00000")
    assert LedgerEntry.objects.filter(payment=payment, kind=EntryKind.DEPOSIT).count() == 1
    assert payment.events.count() == 1
    assert ledger_audit() == []
