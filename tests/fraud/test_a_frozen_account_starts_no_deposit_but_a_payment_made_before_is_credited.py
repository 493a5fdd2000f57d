"""A frozen account starts no new payment (nothing is made, the page says why), but a payment it made at
the gateway before the freeze is credited when the gateway confirms it: money received is never lost."""

from decimal import Decimal

import pytest
import requests

from billing.audit import ledger_audit
from billing.selectors import balance_amount
from fraud.services import ACCOUNT_FROZEN, account_freeze
from payments.models import Payment, PaymentState
from payments.services import PaymentRefused

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_frozen_account_starts_no_payment(client, start_payment, make_customer):
    customer = make_customer(funds=0)
    account_freeze(customer=customer, reason="chargebacks", by=None)
    with pytest.raises(PaymentRefused, match="Account frozen"):
        start_payment(customer)
    client.force_login(customer)
    page = client.post("/payments/add/", {"method": "test", "amount": "25"})
    assert ACCOUNT_FROZEN in page.content.decode()
    assert not Payment.objects.exists()


def test_a_payment_paid_before_the_freeze_is_credited_when_the_gateway_confirms_it(
    start_payment, test_gateway, make_customer
):
    customer = make_customer(funds=0)
    payment = start_payment(customer, "25.00")
    account_freeze(customer=customer, reason="looks like card testing", by=None)

    paid = requests.post(payment.checkout_url, data={"action": "pay"}, allow_redirects=False, timeout=30)
    assert paid.status_code == 303
    [callback] = test_gateway.get(payment.gateway_payment_id).deliveries
    assert callback.answer == "HTTP 200"

    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert balance_amount(customer_id=customer.pk) == Decimal("25.00")
    assert ledger_audit() == []
