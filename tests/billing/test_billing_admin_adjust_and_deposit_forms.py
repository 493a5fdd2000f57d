import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from billing.models import EntryKind, LedgerEntry
from billing.selectors import balance_amount
from tests.billing.factories import CustomerFactory
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_with_10(funded_customer):
    return funded_customer("10")


@pytest.fixture
def staff(django_user_model):
    """A staff member who may look at balances, and nothing more until given a permission."""
    user = django_user_model.objects.create_user(
        email="staff@example.com", password="correct-horse-42", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_balance"))
    return with_totp(user)


def _once(data: dict) -> dict:
    """The form's fields as a browser sends them: with the one-time token the form page gave."""
    return {"request_token": str(uuid.uuid4()), **data}


def _grant(user, codename: str):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="billing", codename=codename))
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached


def _adjust_url(customer) -> str:
    return reverse("admin:billing_balance_adjust", args=[customer.pk])


def test_an_adjustment_is_written_with_the_staff_member_and_the_reason(client, admin_user, customer_with_10):
    client.force_login(admin_user)
    response = client.post(
        _adjust_url(customer_with_10), _once({"amount": "-2.5", "reason": "Chargeback #7"})
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:billing_balance_change", args=[customer_with_10.pk])
    entry = LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).get()
    assert (entry.amount, entry.created_by, entry.reason) == (Decimal("-2.5"), admin_user, "Chargeback #7")
    assert balance_amount(customer_id=customer_with_10.pk) == Decimal("7.5")


def test_an_adjustment_without_a_reason_is_a_form_error(client, admin_user, customer_with_10, books):
    client.force_login(admin_user)
    before = books(customer_with_10)
    response = client.post(_adjust_url(customer_with_10), _once({"amount": "5", "reason": "  "}))
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert books(customer_with_10) == before


@pytest.mark.parametrize(("amount", "error"), [("0", "must not be zero"), ("1.000001", "5 decimal places")])
def test_a_zero_or_too_precise_adjustment_is_a_form_error(
    client, admin_user, customer_with_10, amount, error
):
    client.force_login(admin_user)
    response = client.post(_adjust_url(customer_with_10), _once({"amount": amount, "reason": "Test"}))
    assert response.status_code == 200 and error in str(response.context["form"].errors["amount"])


def test_an_overdraft_is_refused_with_a_form_error_not_a_500(client, admin_user, customer_with_10, books):
    client.force_login(admin_user)
    before = books(customer_with_10)
    response = client.post(
        _adjust_url(customer_with_10), _once({"amount": "-10.00001", "reason": "Too much"})
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"amount": ["Not enough funds on balance"]}
    assert "Not enough funds on balance" in response.content.decode()
    assert books(customer_with_10) == before


def test_the_adjust_form_shows_the_customer_and_the_balance_in_the_panels_currency(
    client, admin_user, customer_with_10
):
    client.force_login(admin_user)
    page = client.get(_adjust_url(customer_with_10)).content.decode()
    assert customer_with_10.email in page and "10.00 USD" in page


def test_staff_without_the_permission_get_403_on_both_forms(client, staff, customer_with_10, books):
    client.force_login(staff)
    before = books(customer_with_10)
    assert client.get(_adjust_url(customer_with_10)).status_code == 403
    assert (
        client.post(_adjust_url(customer_with_10), _once({"amount": "5", "reason": "Mine"})).status_code
        == 403
    )
    deposit = reverse("admin:billing_balance_deposit")
    assert (
        client.post(
            deposit, _once({"email": customer_with_10.email, "amount": "5", "reason": "Mine"})
        ).status_code
        == 403
    )
    assert books(customer_with_10) == before
    page = client.get(reverse("admin:billing_balance_change", args=[customer_with_10.pk])).content.decode()
    assert _adjust_url(customer_with_10) not in page and deposit not in page


def test_each_form_needs_its_own_permission(client, staff, customer_with_10):
    client.force_login(_grant(staff, "adjust_balance"))
    assert client.get(_adjust_url(customer_with_10)).status_code == 200
    assert client.get(reverse("admin:billing_balance_deposit")).status_code == 403
    response = client.post(_adjust_url(customer_with_10), _once({"amount": "1", "reason": "Goodwill"}))
    assert response.status_code == 302
    assert LedgerEntry.objects.get(kind=EntryKind.ADJUSTMENT).created_by == staff


def test_someone_who_is_not_staff_is_sent_to_sign_in(client, customer_with_10):
    client.force_login(CustomerFactory())
    response = client.get(_adjust_url(customer_with_10))
    assert response.status_code == 302 and "login" in response.url


def test_a_deposit_credits_the_customer_found_by_email(client, staff):
    customer = CustomerFactory(email="buyer@example.com")
    client.force_login(_grant(staff, "deposit_funds"))
    deposit = reverse("admin:billing_balance_deposit")
    assert "buyer@example.com" in client.get(deposit, {"email": "buyer@example.com"}).content.decode()
    response = client.post(
        deposit, _once({"email": " Buyer@Example.com", "amount": "25", "reason": "Wire 2024-118"})
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(customer=customer)
    assert (entry.kind, entry.amount, entry.created_by, entry.reason) == (
        EntryKind.DEPOSIT,
        Decimal(25),
        staff,
        "Wire 2024-118",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "nobody@example.com", "amount": "5", "reason": "x"}, "email"),
        ({"email": "buyer@example.com", "amount": "-5", "reason": "x"}, "amount"),
        ({"email": "buyer@example.com", "amount": "0", "reason": "x"}, "amount"),
        ({"email": "buyer@example.com", "amount": "abc", "reason": "x"}, "amount"),
        ({"email": "buyer@example.com", "amount": "5", "reason": ""}, "reason"),
    ],
)
def test_a_bad_deposit_is_a_form_error(client, admin_user, data, field):
    CustomerFactory(email="buyer@example.com")
    client.force_login(admin_user)
    response = client.post(reverse("admin:billing_balance_deposit"), _once(data))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not LedgerEntry.objects.exists()


def test_a_deposit_form_sent_twice_credits_once(client, admin_user):
    customer = CustomerFactory(email="buyer@example.com")
    client.force_login(admin_user)
    deposit = reverse("admin:billing_balance_deposit")
    page = client.get(deposit).content.decode()
    token = re.search(r'name="request_token" value="([0-9a-f-]{36})"', page).group(1)
    data = {"request_token": token, "email": "buyer@example.com", "amount": "25", "reason": "Wire 9"}

    first, second = client.post(deposit, data), client.post(deposit, data, follow=True)

    assert first.status_code == 302
    assert "recorded already" in second.content.decode()
    assert LedgerEntry.objects.filter(customer=customer).count() == 1
    assert balance_amount(customer_id=customer.pk) == Decimal("25")


def test_an_adjustment_form_sent_twice_moves_the_balance_once(client, admin_user, customer_with_10):
    client.force_login(admin_user)
    data = _once({"amount": "-4", "reason": "Chargeback #8"})
    client.post(_adjust_url(customer_with_10), data)
    client.post(_adjust_url(customer_with_10), data)
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).count() == 1
    assert balance_amount(customer_id=customer_with_10.pk) == Decimal("6")


def test_a_form_without_its_token_is_a_form_error_and_moves_nothing(client, admin_user, customer_with_10):
    client.force_login(admin_user)
    response = client.post(_adjust_url(customer_with_10), {"amount": "5", "reason": "No token"})
    assert response.status_code == 200 and "request_token" in response.context["form"].errors
    assert balance_amount(customer_id=customer_with_10.pk) == Decimal("10")
