"""A payment's page shows its event log, each gateway payload pretty-printed and escaped (text from
outside is never markup), and the ledger entries the payment made."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billing.models import EntryKind
from payments.gateways.base import EventKind
from payments.models import EventOutcome, PaymentEvent
from payments.services import payment_check
from tests.payments.staff import staff_member, start_payment

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(document.cookie)</script>"


@pytest.fixture
def paid_payment(stripe_standin, make_customer):
    payment = start_payment(make_customer(funds=0), amount="25.00")
    stripe_standin.complete(payment.gateway_payment_id)  # its webhook never arrives
    payment_check(payment=payment)
    PaymentEvent.objects.create(
        payment=payment,
        gateway="stripe",
        event_id="evt_hostile",
        kind=EventKind.IGNORED,
        source="webhook",
        outcome=EventOutcome.UNCHANGED,
        note="Verified, nothing to do",
        raw={"type": "customer.updated", "data": {"object": {"name": HOSTILE}}},
    )
    return payment


def _page(client, payment) -> str:
    response = client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_script_in_a_gateway_payload_is_shown_as_text(client, admin_user, paid_payment):
    client.force_login(admin_user)
    page = _page(client, paid_payment)
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in page
    # Pretty-printed: one key a line, indented.
    assert "\n      &quot;name&quot;: " in page


def test_the_log_has_each_event_and_the_page_the_payments_ledger_entries(
    client, django_user_model, paid_payment
):
    client.force_login(staff_member(django_user_model))
    page = _page(client, paid_payment)
    fetched = paid_payment.events.get(source="fetch")
    assert fetched.outcome == EventOutcome.APPLIED
    assert fetched.event_id in page and fetched.note in page and "evt_hostile" in page
    assert "&quot;status&quot;: &quot;complete&quot;" in page  # the session as Stripe answered
    deposit = paid_payment.ledger.get(kind=EntryKind.DEPOSIT)
    assert deposit.reason in page and "25.00000" in page
