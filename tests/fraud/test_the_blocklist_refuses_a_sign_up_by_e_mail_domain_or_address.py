"""Sign-up refuses a blocked e-mail address, an address of a blocked domain (or of one below it) and a
client inside a blocked network, as an error on the form; no account is made."""

import pytest
from django.core.cache import cache

from fraud.models import BlockKind
from panel.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-2024"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _sign_up(client, email: str, ip: str = "127.0.0.1"):
    return client.post(
        "/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}, REMOTE_ADDR=ip
    )


@pytest.mark.parametrize(
    ("kind", "value", "email", "said"),
    [
        (BlockKind.EMAIL, "Fraud@Example.com", "fraud@EXAMPLE.com", "This e-mail address is blocked"),
        (BlockKind.EMAIL_DOMAIN, "spam.example", "someone@SPAM.example", "E-mail addresses of this domain"),
        (
            BlockKind.EMAIL_DOMAIN,
            "spam.example",
            "someone@eu.spam.example",
            "E-mail addresses of this domain",
        ),
    ],
)
def test_a_blocked_e_mail_or_domain_is_a_form_error(client, block, kind, value, email, said):
    block(kind, value)
    response = _sign_up(client, email)
    assert response.status_code == 200
    assert said in response.content.decode()
    assert not User.objects.exists()


def test_a_client_inside_a_blocked_network_is_refused(client, block):
    block(BlockKind.IP, "203.0.113.0/24")
    response = _sign_up(client, "new@example.com", ip="203.0.113.77")
    assert response.status_code == 200
    assert "Requests from your network are blocked" in response.content.decode()
    assert not User.objects.exists()


def test_anyone_else_signs_up(client, block):
    block(BlockKind.EMAIL_DOMAIN, "spam.example")
    block(BlockKind.IP, "203.0.113.0/24")
    response = _sign_up(client, "new@notspam.example", ip="198.51.100.1")
    assert response.status_code == 302
    assert User.objects.filter(email="new@notspam.example").exists()
