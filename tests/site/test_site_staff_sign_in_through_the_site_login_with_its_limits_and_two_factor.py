"""Staff sign in on the site's login page: /admin/login/ sends them there, so allauth's rate
limits and a staff member's two-factor step apply to the admin too; the admin's own password form
cannot skip them."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache

from tests.conftest import with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_customer):
    user = make_customer("0")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_admin_login_page_sends_staff_to_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/orders/order/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2Forders%2Forder%2F"


def test_posting_a_password_to_the_admin_login_does_not_sign_in(client, staff):
    response = client.post("/admin/login/", {"username": staff.email, "password": "pw-12345-abc"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/admin/").status_code == 302


def test_staff_with_two_factor_need_the_code_to_reach_the_admin(client, staff):
    cache.clear()
    TOTP.activate(staff, generate_totp_secret())
    response = client.post("/login/?next=/admin/", {"login": staff.email, "password": "pw-12345-abc"})
    assert response["Location"] == "/account/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302


def test_wrong_staff_passwords_are_rate_limited(client, staff):
    cache.clear()
    for _ in range(5):
        client.post("/login/", {"login": staff.email, "password": "wrong-password"})
    locked = client.post("/login/", {"login": staff.email, "password": "pw-12345-abc"})
    assert locked.status_code in (200, 429)  # refused: the account is locked for a while
    assert client.get("/admin/").status_code == 302


def test_staff_signed_in_reach_the_admin_and_customers_are_refused(client, staff, make_customer):
    client.force_login(with_totp(staff))
    assert client.get("/admin/").status_code == 200
    client.force_login(make_customer())
    assert client.get("/admin/login/").status_code == 403
