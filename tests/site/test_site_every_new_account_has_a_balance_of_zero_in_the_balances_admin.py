"""An account has its balance from the moment it exists, at 0, and the admin's Balances list shows
it: whether the customer signed up, staff added them in the admin, or a command created them."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from billing.audit import ledger_audit
from billing.models import Balance
from panel.models import User

pytestmark = pytest.mark.django_db

BALANCES = "/admin/billing/balance/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _opened_at_zero(admin_client, email: str) -> None:
    balance = Balance.objects.get(customer__email=email)
    assert (balance.amount, balance.debt) == (0, 0)
    page = admin_client.get(BALANCES).content.decode()
    assert f">{email}<" in page
    assert ledger_audit() == []


def test_a_customer_who_signs_up_has_a_balance_of_zero_in_the_balances_list(client, admin_client):
    password = "a-Long-pass-2024"
    response = client.post(
        "/signup/", {"email": "fresh@example.com", "password1": password, "password2": password}
    )
    assert response.status_code == 302

    _opened_at_zero(admin_client, "fresh@example.com")


def test_a_customer_staff_add_in_the_admin_has_a_balance_of_zero(admin_client):
    password = "a-Long-pass-2024"
    response = admin_client.post(
        "/admin/panel/user/add/", {"email": "added@example.com", "password1": password, "password2": password}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    _opened_at_zero(admin_client, "added@example.com")


def test_accounts_the_commands_create_have_a_balance_of_zero(admin_client):
    call_command("create_customer", "made@example.com", "--password", "a-Long-pass-2024")
    call_command("createsuperuser", "--noinput", "--email", "boss@example.com")

    _opened_at_zero(admin_client, "made@example.com")
    _opened_at_zero(admin_client, "boss@example.com")


def test_saving_an_account_again_keeps_its_one_balance(make_customer):
    customer = make_customer("7")
    customer.discount_percent = 5
    customer.save()

    assert list(Balance.objects.filter(customer=customer).values_list("amount", flat=True)) == [7]
    assert User.objects.count() == Balance.objects.count()
