"""Every admin page tells staff which active providers are low on balance; other pages do not."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from panel.models import User
from provider.context_processors import low_balance
from provider.models import Provider
from provider.services import provider_check_balance
from tests.conftest import with_totp

BANNER = "is low on balance"


@pytest.fixture
def staff(db) -> User:
    user = with_totp(
        User.objects.create_user(email="staff@example.com", password="pw-12345-abc", is_staff=True)
    )
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_provider", "view_order"]),
    )
    return user


@pytest.fixture
def low_provider(provider_row, simulator, settings) -> Provider:
    settings.ADMINS = [("Ops", "ops@example.com")]
    simulator.set_balance(Decimal("1.5"))
    provider_check_balance(provider_id=provider_row.pk)
    provider_row.refresh_from_db()
    assert provider_row.low_balance_alerted
    return provider_row


@pytest.mark.parametrize("path", ["/admin/", "/admin/provider/provider/", "/admin/orders/order/"])
def test_admin_pages_show_the_banner_for_a_low_provider(web_client, staff, low_provider, path):
    web_client.force_login(staff)
    page = web_client.get(path).content.decode()
    assert BANNER in page
    assert f"Provider {low_provider.name} is low on balance: 1.50000" in page


def test_the_banner_goes_once_the_balance_is_back(web_client, staff, low_provider, simulator):
    simulator.set_balance(Decimal("500"))
    provider_check_balance(provider_id=low_provider.pk)
    web_client.force_login(staff)
    assert BANNER not in web_client.get("/admin/").content.decode()


def test_an_inactive_provider_has_no_banner(web_client, staff, low_provider):
    Provider.objects.filter(pk=low_provider.pk).update(is_active=False)
    web_client.force_login(staff)
    assert BANNER not in web_client.get("/admin/").content.decode()


def test_only_staff_on_admin_pages_get_the_providers(staff, low_provider, django_user_model):
    customer = django_user_model.objects.create_user(email="c@example.com", password="pw-12345-abc")
    factory = RequestFactory()

    def context(user, path: str) -> dict:
        request = factory.get(path)
        request.user = user
        return low_balance(request)

    assert context(staff, "/admin/") == {"low_balance_providers": [low_provider]}
    assert context(staff, "/dashboard/") == {}
    assert context(customer, "/admin/") == {}
