""" "Check with the gateway now" asks the gateway about a payment and applies its answer, once: on
the payment's page and as an action on the list, only for staff with `payments.check_payment`. A
gateway that cannot be asked is a message on the page, never a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from billing.selectors import balance_amount
from payments.models import PaymentState
from tests.payments.staff import staff_member, start_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_at_stripe(stripe_standin, make_customer):
    """A payment the customer paid at Stripe, whose webhook never reached the panel."""
    payment = start_payment(make_customer(funds=0), amount="25.00")
    stripe_standin.complete(payment.gateway_payment_id)
    return payment


def _check_url(payment) -> str:
    return reverse("admin:payments_payment_check", args=[payment.pk])


def _messages(response) -> list[str]:
    """The messages the page after the redirect showed (follow=True)."""
    return [str(message) for message in response.context["messages"]]


def _deposits(payment) -> int:
    return LedgerEntry.objects.filter(payment=payment, kind=EntryKind.DEPOSIT).count()


def test_staff_without_the_permission_get_403_and_no_button(client, django_user_model, paid_at_stripe):
    client.force_login(staff_member(django_user_model))
    assert client.post(_check_url(paid_at_stripe)).status_code == 403
    page = client.get(reverse("admin:payments_payment_change", args=[paid_at_stripe.pk])).content.decode()
    assert _check_url(paid_at_stripe) not in page
    listing = client.get(reverse("admin:payments_payment_changelist"))
    assert listing.context["action_form"] is None  # no action is left for them
    paid_at_stripe.refresh_from_db()
    assert paid_at_stripe.state == PaymentState.CREATED and _deposits(paid_at_stripe) == 0


def test_the_button_asks_the_gateway_and_credits_the_payment_once(client, django_user_model, paid_at_stripe):
    client.force_login(staff_member(django_user_model, "payments.check_payment"))
    change = reverse("admin:payments_payment_change", args=[paid_at_stripe.pk])
    assert _check_url(paid_at_stripe) in client.get(change).content.decode()
    assert client.get(_check_url(paid_at_stripe)).status_code == 405  # asking may credit: a POST

    first = client.post(_check_url(paid_at_stripe), follow=True)
    second = client.post(_check_url(paid_at_stripe), follow=True)

    assert first.redirect_chain == [(change, 302)]
    assert _messages(first) == [f"Payment {paid_at_stripe.pk}: 1 new event(s) recorded; it is paid."]
    assert _messages(second) == [f"Payment {paid_at_stripe.pk}: nothing new; it is paid."]
    assert _deposits(paid_at_stripe) == 1
    assert balance_amount(customer_id=paid_at_stripe.customer_id) == Decimal("25")
    assert ledger_audit() == []


def test_the_list_action_checks_each_selected_payment(
    client, django_user_model, stripe_standin, paid_at_stripe
):
    still_open = start_payment(paid_at_stripe.customer, amount="5.00")
    client.force_login(staff_member(django_user_model, "payments.check_payment"))
    response = client.post(
        reverse("admin:payments_payment_changelist"),
        {"action": "check_now", "_selected_action": [paid_at_stripe.pk, still_open.pk]},
        follow=True,
    )
    assert sorted(_messages(response)) == [
        f"Payment {paid_at_stripe.pk}: 1 new event(s) recorded; it is paid.",
        f"Payment {still_open.pk}: nothing new; it is created.",
    ]
    assert _deposits(paid_at_stripe) == 1 and _deposits(still_open) == 0


def test_a_gateway_that_cannot_be_asked_is_a_message_not_a_500(
    client, django_user_model, paid_at_stripe, settings
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    client.force_login(staff_member(django_user_model, "payments.check_payment"))
    response = client.post(_check_url(paid_at_stripe), follow=True)
    assert response.status_code == 200
    [message] = _messages(response)
    assert message.startswith(f"Payment {paid_at_stripe.pk}: the gateway could not be asked")
    assert _deposits(paid_at_stripe) == 0
