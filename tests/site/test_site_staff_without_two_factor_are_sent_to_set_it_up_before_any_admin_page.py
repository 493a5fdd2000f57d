"""Two-factor is required of staff, not only offered: a staff member without an authenticator app
or a passkey is sent from every admin page (GET or POST) to the two-factor setup, with a message;
the setup, sign out, static files, the customer site and the APIs stay as they were."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from catalog.models import Service
from panel.apikeys import api_key_create
from panel.staff_two_factor import MESSAGE
from tests.conftest import PASSWORD, with_totp

pytestmark = pytest.mark.django_db

SETUP = "/account/2fa/"


@pytest.fixture
def staff(make_customer):
    user = make_customer("0")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def admin_urls(staff, default_service):
    """The dashboard, the index, changelists, a change form, an add form and a custom admin page."""
    service = default_service
    return [
        "/admin/",
        "/admin/dashboard/",
        "/admin/orders/order/",
        "/admin/catalog/service/",
        f"/admin/catalog/service/{service.pk}/change/",
        "/admin/provider/provider/add/",
        f"/admin/panel/user/{staff.pk}/change/",
        "/admin/billing/balance/deposit/",
        "/admin/password_change/",
        "/admin/jsi18n/",
        "/admin/no-such-page/",
    ]


def _sent_to_setup(response) -> bool:
    return response.status_code == 302 and response["Location"] == SETUP


def test_every_admin_page_sends_staff_without_two_factor_to_the_setup(client, staff, admin_urls):
    client.force_login(staff)
    for url in admin_urls:
        assert _sent_to_setup(client.get(url)), url
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert MESSAGE in html
    assert "Authenticator App" in html and "Security Keys" in html


def test_an_admin_post_is_sent_to_the_setup_and_changes_nothing(client, staff, default_service):
    service = default_service
    client.force_login(staff)
    changelist = "/admin/catalog/service/"
    response = client.post(changelist, {"action": "disable", "_selected_action": [service.pk]})
    assert _sent_to_setup(response)
    service.refresh_from_db()
    assert service.enabled
    response = client.post(f"/admin/catalog/service/{service.pk}/change/", {"name": "Renamed"})
    assert _sent_to_setup(response)
    assert Service.objects.get(pk=service.pk).name == service.name


def test_staff_with_totp_activated_reach_every_admin_page(client, staff, admin_urls):
    with_totp(staff)
    client.force_login(staff)
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == (404 if "no-such-page" in url else 200), url


def test_signing_in_without_two_factor_lands_on_the_setup_not_the_admin(client, staff):
    cache.clear()
    response = client.post("/login/?next=/admin/", {"login": staff.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == SETUP
    assert MESSAGE in response.content.decode()


def test_the_setup_sign_out_and_static_files_stay_reachable(client, staff):
    client.force_login(staff)
    assert client.get(SETUP).status_code == 200
    assert client.get("/account/2fa/webauthn/add/")["Location"].startswith("/account/reauthenticate/")
    assert client.get("/static/mfa/js/webauthn.js").status_code == 200
    assert client.get("/dashboard/").status_code == 200
    assert client.post("/admin/logout/")["Location"] == "/login/"  # the admin's "Log out" signs out
    assert "_auth_user_id" not in client.session

    client.force_login(staff)
    assert client.post("/logout/")["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_customers_are_not_sent_to_the_setup(client, make_customer):
    client.force_login(make_customer())
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/account/").status_code == 200
    # The admin refuses them as before: to its login, never to a two-factor setup.
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_apis_answer_staff_without_two_factor_as_before(staff):
    _, key = api_key_create(customer=staff)
    api = Client()
    v2 = api.post("/api/v2", {"key": key, "action": "balance"})
    assert v2.status_code == 200 and "balance" in json.loads(v2.content)
    rest = api.get("/api/rest/balance/", headers={"Authorization": f"Bearer {key}"})
    assert rest.status_code == 200 and "balance" in rest.json()


def test_with_the_requirement_turned_off_staff_reach_the_admin_without_it(client, staff, settings):
    settings.STAFF_REQUIRE_2FA = False
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/orders/order/").status_code == 200
