"""A reversed payment's debt is shown on the balance, and staff with `billing.write_off_debt`
forgive it with a required reason: a WRITE_OFF entry with their name and no money moved, and the
books still agree with themselves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from payments.gateways.base import EventKind, GatewayEvent
from payments.models import Payment
from payments.services import payment_event_apply
from tests.billing.factories import CustomerFactory
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_debt(charged_order):
    """A customer who added 25 by card, spent 20 of it, and whose payment was then charged back:
    5 taken back, 20 owed (the gateway's verified events, applied as a webhook's are)."""
    customer = CustomerFactory()
    Payment.objects.create(
        customer=customer,
        gateway="stripe",
        gateway_payment_id="cs_1",
        amount=25,
        pay_amount=25,
        pay_currency="USD",
    )
    money = {"gateway_payment_id": "cs_1", "amount": Decimal(25), "currency": "usd"}
    payment_event_apply(
        gateway_code="stripe",
        event=GatewayEvent(event_id="evt_1", kind=EventKind.PAID, **money),
        source="webhook",
    )
    charged_order(customer, "20")
    chargeback = GatewayEvent(event_id="evt_2", kind=EventKind.DISPUTED, reversal_id="dp_1", **money)
    payment_event_apply(gateway_code="stripe", event=chargeback, source="webhook")
    assert Balance.objects.get(customer=customer).debt == Decimal(20)
    return customer


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user(
        email="staff@example.com", password="correct-horse-42", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_balance"))
    return with_totp(user)


def _grant_write_off(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="billing", codename="write_off_debt")
    )
    return type(user).objects.get(pk=user.pk)


def _url(customer) -> str:
    return reverse("admin:billing_balance_write_off", args=[customer.pk])


def _balance(customer) -> tuple[Decimal, Decimal]:
    balance = Balance.objects.get(customer=customer)
    return balance.amount, balance.debt


def test_the_balances_show_the_debt_and_filter_those_in_debt(client, staff, in_debt, funded_customer):
    funded_customer("10")
    client.force_login(staff)
    listing = client.get(reverse("admin:billing_balance_changelist"), {"debt": "yes"})
    assert [balance.pk for balance in listing.context["cl"].result_list] == [in_debt.pk]
    assert "20.00 USD" in listing.content.decode()


def test_staff_without_the_permission_get_403_and_no_link(client, staff, in_debt):
    client.force_login(staff)
    assert client.get(_url(in_debt)).status_code == 403
    assert client.post(_url(in_debt), {"debt": "20", "reason": "Goodwill"}).status_code == 403
    page = client.get(reverse("admin:billing_balance_change", args=[in_debt.pk])).content.decode()
    assert _url(in_debt) not in page
    assert _balance(in_debt) == (0, 20)


def test_a_write_off_without_a_reason_is_a_form_error(client, staff, in_debt):
    client.force_login(_grant_write_off(staff))
    response = client.post(_url(in_debt), {"debt": "20", "reason": " "})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert _balance(in_debt) == (0, 20)
    assert not LedgerEntry.objects.filter(kind=EntryKind.WRITE_OFF).exists()


def test_the_debt_is_written_off_with_the_staff_member_and_the_reason(client, staff, in_debt):
    staff = _grant_write_off(staff)
    client.force_login(staff)
    change = reverse("admin:billing_balance_change", args=[in_debt.pk])
    assert _url(in_debt) in client.get(change).content.decode()
    assert "20.00 USD" in client.get(_url(in_debt)).content.decode()

    response = client.post(_url(in_debt), {"debt": "20", "reason": "Dispute won at Stripe"})

    assert response.status_code == 302 and response.url == change
    entry = LedgerEntry.objects.get(kind=EntryKind.WRITE_OFF)
    assert (entry.amount, entry.debt_change, entry.created_by, entry.reason) == (
        0,
        Decimal(-20),
        staff,
        "Dispute won at Stripe",
    )
    assert _balance(in_debt) == (0, 0)
    assert ledger_audit() == []
    # Sent again: nothing is owed, nothing more is written.
    again = client.post(_url(in_debt), {"debt": "0", "reason": "Dispute won at Stripe"}, follow=True)
    assert "owes nothing" in again.content.decode()
    assert LedgerEntry.objects.filter(kind=EntryKind.WRITE_OFF).count() == 1


def test_a_debt_that_changed_since_the_page_was_shown_is_not_written_off(client, staff, in_debt):
    client.force_login(_grant_write_off(staff))
    response = client.post(_url(in_debt), {"debt": "5", "reason": "Goodwill"})
    assert response.status_code == 200
    assert "The debt changed to 20.00 USD" in response.content.decode()
    assert response.context["form"]["debt"].value() == "20.00000"
    assert _balance(in_debt) == (0, 20)


def test_the_service_forgives_only_the_debt_the_staff_member_saw(staff, in_debt):
    from billing.services import DebtChanged, ledger_write_off_debt

    with pytest.raises(DebtChanged) as refused:
        ledger_write_off_debt(customer=in_debt, created_by=staff, reason="Goodwill", debt_seen=Decimal(5))
    assert refused.value.debt == Decimal(20)
    assert _balance(in_debt) == (0, 20)
    assert not LedgerEntry.objects.filter(kind=EntryKind.WRITE_OFF).exists()
