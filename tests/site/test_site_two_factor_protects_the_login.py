"""A customer turns on two-factor (TOTP, allauth.mfa); the next login asks for the app's code."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_customer_activates_totp_and_then_needs_a_code_to_log_in(client, make_customer, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed at the end of a 30-second period still counts
    cache.clear()
    customer = make_customer()
    client.post("/login/", {"login": customer.email, "password": "pw-12345-abc"})
    # Turning it on asks for the password again first.
    assert client.get("/account/2fa/totp/activate/")["Location"].startswith("/account/reauthenticate/")
    client.post("/account/reauthenticate/", {"password": "pw-12345-abc"})
    page = client.get("/account/2fa/totp/activate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="qr"' in html and 'src="data:image/svg+xml' in html  # the QR code, allowed by the CSP
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7=]+)"', html).group(1)
    response = client.post("/account/2fa/totp/activate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert "Two-factor authentication</strong>" in client.get("/account/").content.decode()
    assert '<span class="badge" data-status="completed">On</span>' in client.get("/account/").content.decode()

    client.post("/logout/")
    response = client.post("/login/", {"login": customer.email, "password": "pw-12345-abc"})
    assert response["Location"] == "/account/2fa/authenticate/"
    assert client.get("/dashboard/").status_code == 302
    response = client.post("/account/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
