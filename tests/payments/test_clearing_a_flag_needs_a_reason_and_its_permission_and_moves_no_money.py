"""Staff with `payments.clear_flag` clear a payment's needs-attention flag with a reason: their
address, the reason and what the flag said are kept on the payment, and no money moves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billing.audit import ledger_audit
from billing.models import Balance, LedgerEntry
from payments.models import Payment
from tests.payments.staff import staff_member, start_payment

pytestmark = pytest.mark.django_db

FLAG = "The gateway confirmed 20.00 USD, the payment is for 25.00 USD: nothing credited"


@pytest.fixture
def flagged(stripe_standin, make_customer):
    payment = start_payment(make_customer(funds="3"), amount="25.00")
    Payment.objects.filter(pk=payment.pk).update(flagged=True, flag_reason=FLAG)
    return payment


@pytest.fixture
def books():
    """What clearing a flag must leave alone: every balance and ledger entry."""
    return lambda: (
        list(Balance.objects.order_by("pk").values_list("pk", "amount", "debt")),
        list(LedgerEntry.objects.order_by("pk").values_list("pk", "amount")),
    )


def _url(payment) -> str:
    return reverse("admin:payments_payment_clear_flag", args=[payment.pk])


def test_staff_without_the_permission_get_403_and_no_link(client, django_user_model, flagged):
    client.force_login(staff_member(django_user_model, "payments.check_payment"))
    assert client.get(_url(flagged)).status_code == 403
    assert client.post(_url(flagged), {"reason": "Settled by e-mail"}).status_code == 403
    page = client.get(reverse("admin:payments_payment_change", args=[flagged.pk])).content.decode()
    assert _url(flagged) not in page
    flagged.refresh_from_db()
    assert flagged.flagged


def test_a_flag_is_not_cleared_without_a_reason(client, django_user_model, flagged):
    client.force_login(staff_member(django_user_model, "payments.clear_flag"))
    response = client.post(_url(flagged), {"reason": "   "})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    flagged.refresh_from_db()
    assert flagged.flagged and flagged.flag_reason == FLAG


def test_clearing_keeps_who_why_and_what_the_flag_said_and_moves_no_money(
    client, django_user_model, flagged, books
):
    staff = staff_member(django_user_model, "payments.clear_flag")
    client.force_login(staff)
    change = reverse("admin:payments_payment_change", args=[flagged.pk])
    assert _url(flagged) in client.get(change).content.decode()
    form = client.get(_url(flagged)).content.decode()
    assert "nothing credited" in form  # what the flag says, shown before it is cleared
    before = books()

    response = client.post(_url(flagged), {"reason": "Customer paid the 5.00 rest by wire"})

    assert response.status_code == 302 and response.url == change
    flagged.refresh_from_db()
    assert not flagged.flagged
    assert flagged.flag_reason.startswith(f"Cleared by {staff.email} on ")
    assert "Customer paid the 5.00 rest by wire" in flagged.flag_reason
    assert flagged.flag_reason.endswith(f"(was: {FLAG})")
    assert books() == before and ledger_audit() == []
    # Cleared once: the form now says there is nothing to clear.
    again = client.post(_url(flagged), {"reason": "Again"})
    assert again.status_code == 200 and "This payment is not flagged." in again.content.decode()
