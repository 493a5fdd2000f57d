"""Money moved by staff from the admin (a deposit, an adjustment, a debt written off) is on the audit
trail: who, from where, the balance or debt before and after, and the reason they gave. Money the
panel moves itself (a test deposit, a charge) leaves no entry, and a refused form leaves none."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry, AuditKind
from billing.models import Balance

pytestmark = pytest.mark.django_db


def _once(data: dict) -> dict:
    return {"request_token": str(uuid.uuid4()), **data}


def _trail(customer) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(object_type="billing.balance", object_id=str(customer.pk)).values_list(
            "actor__email", "kind", "action", "before", "after", "reason", "ip"
        )
    )


def test_a_deposit_is_recorded_with_the_balance_before_and_after(admin_client, admin_user, funded_customer):
    customer = funded_customer("10")
    assert AuditEntry.objects.count() == 0  # the fixture's deposit is the panel's, not staff's

    response = admin_client.post(
        reverse("admin:billing_balance_deposit"),
        _once({"email": customer.email, "amount": "5", "reason": "Bank transfer 42"}),
    )

    assert response.status_code == 302
    assert _trail(customer) == [
        (
            admin_user.email,
            AuditKind.MONEY,
            "deposit",
            {"amount": "10"},
            {"amount": "15"},
            "Bank transfer 42",
            "127.0.0.1",
        )
    ]
    assert AuditEntry.objects.get().object_repr == f"balance of {customer}"


def test_an_adjustment_is_recorded_and_a_refused_one_is_not(admin_client, admin_user, funded_customer):
    customer = funded_customer("10")
    url = reverse("admin:billing_balance_adjust", args=[customer.pk])

    refused = admin_client.post(url, _once({"amount": "-50", "reason": "more than they have"}))
    assert refused.status_code == 200
    assert _trail(customer) == []

    response = admin_client.post(url, _once({"amount": "-2.5", "reason": "Chargeback #7"}))

    assert response.status_code == 302
    assert _trail(customer) == [
        (
            admin_user.email,
            AuditKind.MONEY,
            "balance adjusted",
            {"amount": "10"},
            {"amount": "7.5"},
            "Chargeback #7",
            "127.0.0.1",
        )
    ]


def test_the_same_form_submitted_twice_is_recorded_once(admin_client, funded_customer):
    customer = funded_customer("10")
    url = reverse("admin:billing_balance_adjust", args=[customer.pk])
    data = _once({"amount": "3", "reason": "goodwill"})

    admin_client.post(url, data)
    admin_client.post(url, data)

    assert Balance.objects.get(customer=customer).amount == Decimal("13")
    assert len(_trail(customer)) == 1


def test_a_debt_written_off_is_recorded_with_the_debt_before_and_after(
    admin_client, admin_user, funded_customer
):
    customer = funded_customer("10")
    # A reversed payment's debt, as payments leave it (their flow is tested in billing's own tests).
    Balance.objects.filter(customer=customer).update(debt=Decimal("20"))

    response = admin_client.post(
        reverse("admin:billing_balance_write_off", args=[customer.pk]),
        {"debt": "20", "reason": "Settled by phone"},
    )

    assert response.status_code == 302
    assert _trail(customer) == [
        (
            admin_user.email,
            AuditKind.MONEY,
            "debt written off",
            {"debt": "20"},
            {"debt": "0"},
            "Settled by phone",
            "127.0.0.1",
        )
    ]
