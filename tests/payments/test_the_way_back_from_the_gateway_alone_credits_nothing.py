"""The customer's browser coming back from a gateway (GET /payments/<pk>/back/) is not a payment:
whatever its query says (paid=1, a status, the gateway's own parameter names), the panel asks the
gateway server-side, and while the gateway says unpaid nothing is credited. PayPal is the one
gateway whose return does something: the panel captures the approved order there, and PayPal's
answer to that capture (not the browser) credits the payment, once, even when the capture's own
webhook follows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.audit import ledger_audit
from billing.models import LedgerEntry
from payments.models import EventOutcome, PaymentState
from tests.payments.gateway_flows import money_of

pytestmark = pytest.mark.django_db(transaction=True)


def _back(client, payment, **query):
    """The customer's browser back at the panel, and the panel's answer."""
    client.force_login(payment.customer)
    return client.get(reverse("payments:back", args=[payment.pk]), query)


@pytest.mark.parametrize("gateway", ["stripe"], indirect=True)
def test_the_way_back_sends_the_customer_on_to_their_payments(gateway, make_customer, client):
    payment = gateway.start(make_customer(funds=0), "25.00")
    answer = _back(client, payment)
    assert (answer.status_code, answer.url) == (302, reverse("payments:list"))


def test_a_return_whose_query_says_paid_credits_nothing_while_the_gateway_says_unpaid(
    gateway, make_customer, client
):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "25.00")
    made_up = {
        "paid": "1",
        "status": "succeeded",
        "payment_status": "finished",
        "amount": "25.00",
        "session_id": payment.gateway_payment_id,
        "token": payment.gateway_payment_id,
        "PayerID": "FAKEPAYER",
        "NP_id": "5000000001",
    }

    _back(client, payment, **made_up)

    payment.refresh_from_db()
    assert payment.state == PaymentState.CREATED
    assert money_of(customer) == (0, 0)
    assert not LedgerEntry.objects.exists()
    assert ledger_audit() == []


def test_another_customers_return_to_a_payment_is_not_found(gateway, make_customer, client):
    payment = gateway.start(make_customer(funds=0), "25.00")
    client.force_login(make_customer(funds=0))
    assert client.get(reverse("payments:back", args=[payment.pk]), {"paid": "1"}).status_code == 404


@pytest.mark.parametrize("gateway", ["paypal"], indirect=True)
def test_paypals_capture_on_return_credits_the_payment_once(gateway, make_customer, client):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "25.00")
    gateway.standin.approve(payment.gateway_payment_id)  # the customer approved it at PayPal

    _back(client, payment)  # no query at all: the capture is server-side
    _back(client, payment)  # a second return (a reload) looks the captured order up only

    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert money_of(customer) == (Decimal("25.00"), 0)
    [event] = payment.events.all()
    assert (event.source, event.outcome) == ("return", EventOutcome.APPLIED)
    assert len(gateway.standin.captures) == 1

    # PayPal's webhook of that same capture arrives afterwards: credited already.
    capture = gateway.standin.capture_of(payment.gateway_payment_id)
    assert (
        gateway.deliver(gateway.standin.event("PAYMENT.CAPTURE.COMPLETED", "capture", dict(capture))) == 200
    )
    assert money_of(customer) == (Decimal("25.00"), 0)
    assert LedgerEntry.objects.filter(payment=payment).count() == 1
    assert ledger_audit() == []
