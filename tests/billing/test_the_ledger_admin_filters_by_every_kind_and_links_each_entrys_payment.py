"""The ledger's admin offers every kind in its filter, the payments' kinds included, and shows an
entry's payment (a link to it) and its change of debt."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import EntryKind
from payments.gateways.base import EventKind, GatewayEvent
from payments.models import Payment
from payments.services import payment_event_apply
from tests.billing.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:billing_ledgerentry_changelist"


@pytest.fixture
def paid_with_bonus():
    payment = Payment.objects.create(
        customer=CustomerFactory(),
        gateway="stripe",
        gateway_payment_id="cs_1",
        amount=100,
        bonus=5,
        pay_amount=100,
        pay_currency="USD",
    )
    paid = GatewayEvent(
        event_id="evt_1", kind=EventKind.PAID, gateway_payment_id="cs_1", amount=Decimal(100), currency="usd"
    )
    payment_event_apply(gateway_code="stripe", event=paid, source="webhook")
    return payment


def test_the_kind_filter_offers_every_kind(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse(CHANGELIST)).content.decode()
    for kind in EntryKind:
        assert f"?kind__exact={kind.value}" in page, kind


def test_a_payments_entries_are_filtered_by_kind_and_link_to_it(client, admin_user, paid_with_bonus):
    client.force_login(admin_user)
    response = client.get(reverse(CHANGELIST), {"kind__exact": EntryKind.BONUS})
    [bonus] = response.context["cl"].result_list
    assert (bonus.kind, bonus.amount, bonus.payment_id) == (EntryKind.BONUS, 5, paid_with_bonus.pk)
    assert reverse("admin:payments_payment_change", args=[paid_with_bonus.pk]) in response.content.decode()
