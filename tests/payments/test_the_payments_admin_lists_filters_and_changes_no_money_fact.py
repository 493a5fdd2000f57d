"""The payments admin lists each payment with its customer, gateway, money and state; filters by
gateway, state and what needs attention; finds a payment by e-mail or the gateway's id; and never
adds, changes or deletes one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from payments.models import BonusTier, GatewaySettings, Payment, PaymentState
from tests.payments.staff import start_payment

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:payments_payment_changelist"


@pytest.fixture
def payments(stripe_standin, make_customer):
    BonusTier.objects.create(from_amount=100, percent=5)
    GatewaySettings.objects.create(code="stripe", fee_percent=2)
    first, second = make_customer(funds=0), make_customer(funds=0)
    small = start_payment(first, amount="25.00")
    large = start_payment(second, amount="200.00")
    flagged = start_payment(second, amount="30.00")
    Payment.objects.filter(pk=flagged.pk).update(flagged=True, flag_reason="Another amount")
    # A payment of another gateway, without calling one: the filters tell gateways apart.
    other = Payment.objects.create(
        customer=first, gateway="paypal", amount=10, pay_amount=10, pay_currency="USD"
    )
    return {"small": small, "large": large, "flagged": flagged, "other": other}


def _ids(client, **query) -> list[int]:
    response = client.get(reverse(CHANGELIST), query)
    assert response.status_code == 200
    return [payment.pk for payment in response.context["cl"].result_list]


def test_the_list_shows_the_customer_gateway_amount_bonus_fee_and_state(client, admin_user, payments):
    client.force_login(admin_user)
    page = client.get(reverse(CHANGELIST)).content.decode()
    large = payments["large"]
    assert large.customer.email in page
    # The amount, its 5% bonus and the 2% fee on top.
    assert "200.00 USD" in page and "10.00 USD" in page and "4.00 USD" in page
    assert "stripe" in page and "paypal" in page and "created" in page


def test_the_filters_pick_by_gateway_state_and_needs_attention(client, admin_user, payments):
    client.force_login(admin_user)
    everything = {payment.pk for payment in payments.values()}
    assert set(_ids(client)) == everything
    assert _ids(client, gateway="paypal") == [payments["other"].pk]
    Payment.objects.filter(pk=payments["small"].pk).update(state=PaymentState.PAID)
    assert _ids(client, state__exact="paid") == [payments["small"].pk]
    assert _ids(client, attention="flagged") == [payments["flagged"].pk]
    # Pending past the days the check asks: nobody will ask the gateway again.
    old = timezone.now() - timedelta(days=30)
    Payment.objects.filter(pk=payments["other"].pk).update(state=PaymentState.PENDING, created_at=old)
    assert _ids(client, attention="abandoned") == [payments["other"].pk]
    assert set(_ids(client, attention="all")) == {payments["flagged"].pk, payments["other"].pk}


def test_a_payment_is_found_by_its_customers_email_or_the_gateways_id(client, admin_user, payments):
    client.force_login(admin_user)
    large, small = payments["large"], payments["small"]
    assert set(_ids(client, q=large.customer.email)) == {large.pk, payments["flagged"].pk}
    assert _ids(client, q=small.gateway_payment_id) == [small.pk]


def test_no_payment_is_added_changed_or_deleted_from_the_admin(client, admin_user, payments):
    client.force_login(admin_user)
    small = payments["small"]
    assert client.get(reverse("admin:payments_payment_add")).status_code == 403
    assert client.post(reverse("admin:payments_payment_delete", args=[small.pk])).status_code == 403
    change = reverse("admin:payments_payment_change", args=[small.pk])
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page
    client.post(change, {"amount": "999", "state": "paid"})
    small.refresh_from_db()
    assert (small.amount, small.state) == (25, PaymentState.CREATED)
    # The changelist offers no bulk delete either.
    actions = client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices
    assert "delete_selected" not in [name for name, _ in actions]


def test_the_list_runs_the_same_queries_for_a_few_payments_or_many(client, admin_user, make_customer):
    client.force_login(admin_user)

    def queries_with(count: int) -> int:
        Payment.objects.bulk_create(
            Payment(
                customer=make_customer(funds=0), gateway="stripe", amount=5, pay_amount=5, pay_currency="USD"
            )
            for _ in range(count)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(CHANGELIST)).status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(20)
