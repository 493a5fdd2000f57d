"""In Chromium, with a virtual authenticator (CDP WebAuthn): a staff member without two-factor is
sent from the admin to the setup, adds a passkey, signs out, signs in with the password and the
passkey as the second factor and reaches the admin; allauth's WebAuthn scripts run under the CSP."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def _password(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/login/?next=/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()


def test_a_staff_member_adds_a_passkey_and_signs_in_with_it(
    live_server, open_page, make_customer, screenshot
):
    cache.clear()
    staff = make_customer("0")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    page = open_page()
    _virtual_authenticator(page)

    _password(page, live_server, staff.email)
    page.wait_for_url(f"{live_server.url}/account/2fa/")
    expect(page.locator(".flash.warning")).to_contain_text("Staff need two-factor authentication")
    screenshot(page, "staff-two-factor-setup", full_page=True)

    page.goto(f"{live_server.url}/account/2fa/webauthn/add/")
    page.wait_for_url(re.compile(r".*/account/reauthenticate/.*"))
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/account/2fa/webauthn/add/.*"))
    screenshot(page, "staff-add-passkey", full_page=True)
    page.get_by_label("Name").fill("Laptop")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("body")).to_contain_text("Site administration")

    page.goto(f"{live_server.url}/logout/")
    page.locator("main").get_by_role("button", name="Sign Out").click()
    page.wait_for_url(f"{live_server.url}/login/")

    _password(page, live_server, staff.email)
    page.wait_for_url(re.compile(r".*/account/2fa/authenticate/.*"))
    screenshot(page, "staff-sign-in-with-passkey", full_page=True)
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    expect(page.locator("body")).to_contain_text("Site administration")
    assert page.csp_errors == []
