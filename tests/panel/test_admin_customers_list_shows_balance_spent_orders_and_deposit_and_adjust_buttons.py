"""The admin's Customers list: each customer's e-mail address, balance, what they spent on orders
(charges less refunds), their orders, discount and last sign-in, with buttons to billing's Deposit
and Adjust forms for that customer, on the row and on the customer's page, as permissions allow."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.http import urlencode

from billing.money import money_display
from billing.services import ledger_refund
from panel.models import User
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/panel/user/"


def _row(page: str, email: str) -> str:
    start = page.index(f">{email}<")
    return page[page.rfind("<tr", 0, start) : page.index("</tr>", start)]


def _deposit_url(customer) -> str:
    return f"{reverse('admin:billing_balance_deposit')}?{urlencode({'email': customer.email})}"


def _adjust_url(customer) -> str:
    return reverse("admin:billing_balance_adjust", args=[customer.pk])


def test_a_row_shows_the_balance_the_spending_net_of_refunds_and_the_orders(
    admin_client, make_customer, place_order
):
    customer = make_customer("100")
    kept, refunded = place_order(customer=customer), place_order(customer=customer)
    ledger_refund(order=refunded, amount=Decimal("0.25"), reason="partial")
    spent = kept.charge + refunded.charge - Decimal("0.25")
    User.objects.filter(pk=customer.pk).update(
        last_login=datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC), discount_percent=Decimal("7.5")
    )

    page = admin_client.get(CHANGELIST).content.decode()

    row = _row(page, customer.email)
    assert f'<td class="field-balance_shown">{money_display(100 - spent)}</td>' in row
    assert f'<td class="field-spent_shown">{money_display(spent)}</td>' in row
    assert '<td class="field-order_count_shown">2</td>' in row
    assert '<td class="field-discount_percent">7.50</td>' in row
    assert '<td class="field-last_seen">2026-11-03 09:30</td>' in row
    assert "first_name" not in page and "last_name" not in page
    assert "Select customer to change" in page


def test_a_customer_who_never_had_money_shows_zero_balance_and_spending(admin_client, make_customer):
    customer = make_customer("0")

    row = _row(admin_client.get(CHANGELIST).content.decode(), customer.email)

    assert '<td class="field-balance_shown">0.00 USD</td>' in row
    assert '<td class="field-spent_shown">0.00 USD</td>' in row
    assert '<td class="field-order_count_shown">0</td>' in row


def test_the_row_and_the_customers_page_link_to_the_deposit_and_adjust_forms_of_that_customer(
    admin_client, make_customer
):
    customer = make_customer("5")
    deposit, adjust = _deposit_url(customer).replace("&", "&amp;"), _adjust_url(customer)

    row = _row(admin_client.get(CHANGELIST).content.decode(), customer.email)
    page = admin_client.get(f"{CHANGELIST}{customer.pk}/change/").content.decode()

    for html in (row, page):
        assert f'href="{deposit}"' in html and f'href="{adjust}"' in html
    form = admin_client.get(_deposit_url(customer))
    assert form.context["form"]["email"].value() == customer.email
    assert admin_client.get(adjust).context["customer"] == customer


def test_a_staff_member_sees_only_the_buttons_of_their_permissions(client, django_user_model, make_customer):
    customer = make_customer("5")
    staff = with_totp(
        django_user_model.objects.create_user(email="clerk@example.com", password="x", is_staff=True)
    )
    for codename in ("view_user", "change_user", "deposit_funds"):
        staff.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(staff)

    row = _row(client.get(CHANGELIST).content.decode(), customer.email)
    page = client.get(f"{CHANGELIST}{customer.pk}/change/").content.decode()

    for html in (row, page):
        assert "Deposit</a>" in html
        assert _adjust_url(customer) not in html
