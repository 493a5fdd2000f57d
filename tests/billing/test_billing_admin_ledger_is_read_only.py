from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from billing.models import Balance, LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def entry(funded_customer, charged_order):
    customer = funded_customer("10")
    order = charged_order(customer, "2.5")
    return LedgerEntry.objects.get(order=order)


@pytest.mark.parametrize("model", [Balance, LedgerEntry])
def test_not_even_a_superuser_may_add_change_or_delete_money_rows(model, admin_user):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


def test_the_ledger_pages_refuse_add_change_and_delete(signed_in, entry):
    assert signed_in.get(reverse("admin:billing_ledgerentry_add")).status_code == 403
    assert signed_in.get(reverse("admin:billing_ledgerentry_delete", args=[entry.pk])).status_code == 403
    change = reverse("admin:billing_ledgerentry_change", args=[entry.pk])
    assert signed_in.post(change, {"amount": "999", "kind": "deposit"}).status_code == 403
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("-2.5")


def test_an_entry_is_shown_read_only_with_the_panels_currency(signed_in, entry, settings):
    settings.PANEL_CURRENCY = "EUR"
    page = signed_in.get(reverse("admin:billing_ledgerentry_change", args=[entry.pk])).content.decode()
    assert "-2.50 EUR" in page and "7.50 EUR" in page
    assert 'name="amount"' not in page


def test_the_ledger_list_filters_by_kind_and_searches_by_email_and_order_id(
    signed_in, entry, funded_customer
):
    other = funded_customer("1")
    url = reverse("admin:billing_ledgerentry_changelist")
    by_kind = signed_in.get(url, {"kind__exact": "charge"})
    assert list(by_kind.context["cl"].result_list) == [entry]
    by_email = signed_in.get(url, {"q": other.email})
    assert [e.customer for e in by_email.context["cl"].result_list] == [other]
    by_order = signed_in.get(url, {"q": str(entry.order_id)})
    assert entry in by_order.context["cl"].result_list
    assert signed_in.get(url, {"q": "not-a-number"}).status_code == 200
    assert signed_in.get(url, {"created_at__gte": "2000-01-01 00:00:00+00:00"}).status_code == 200


def test_the_ledger_list_needs_a_fixed_number_of_queries(
    signed_in, funded_customer, django_assert_max_num_queries
):
    for _ in range(30):
        funded_customer("1")
    with django_assert_max_num_queries(12):
        assert signed_in.get(reverse("admin:billing_ledgerentry_changelist")).status_code == 200


def test_the_balance_page_shows_money_with_the_currency_and_links_to_the_forms(
    signed_in, entry, funded_customer
):
    funded_customer("3")  # someone else's entries stay out of the customer's ledger link
    page = signed_in.get(reverse("admin:billing_balance_change", args=[entry.customer_id])).content.decode()
    assert "7.50 USD" in page
    assert reverse("admin:billing_balance_adjust", args=[entry.customer_id]) in page
    assert reverse("admin:billing_balance_deposit") in page
    ledger = reverse("admin:billing_ledgerentry_changelist") + f"?customer__id__exact={entry.customer_id}"
    assert ledger in page
    shown = signed_in.get(ledger).context["cl"].result_list
    assert {e.customer_id for e in shown} == {entry.customer_id} and len(shown) == 2
