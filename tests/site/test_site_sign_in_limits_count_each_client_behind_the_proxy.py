"""Behind the TLS proxy (TRUSTED_PROXY_COUNT=1) the sign-in limits count the client's address from
X-Forwarded-For, not the proxy's: a stranger's failures neither refuse other clients nor lock a
customer out of their account. Without a trusted proxy a client's own X-Forwarded-For is not read."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def _login(client, email: str, password: str, *, client_address: str | None = None):
    via = {"REMOTE_ADDR": PROXY}
    if client_address is not None:
        via["HTTP_X_FORWARDED_FOR"] = client_address
    return client.post("/login/", {"login": email, "password": password}, **via)


def _signed_in(client) -> bool:
    return client.get("/dashboard/", REMOTE_ADDR=PROXY).status_code == 200


def test_a_strangers_failed_logins_do_not_refuse_a_customer_from_another_address(
    client, make_customer, behind_one_proxy
):
    customer = make_customer()
    for n in range(26):
        _login(client, f"nobody{n}@example.com", "wrong-one", client_address="198.51.100.1")
    assert (
        "Too many failed attempts to sign in"
        in _login(client, "nobody@example.com", "wrong-one", client_address="198.51.100.1").content.decode()
    )

    _login(client, customer.email, "pw-12345-abc", client_address="198.51.100.2")

    assert _signed_in(client)


def test_a_stranger_cannot_lock_a_customer_out_of_their_account(client, make_customer, behind_one_proxy):
    customer = make_customer()
    for _ in range(6):
        _login(client, customer.email, "wrong-one", client_address="198.51.100.1")
    refused = _login(client, customer.email, "pw-12345-abc", client_address="198.51.100.1")
    assert "Too many failed attempts to sign in" in refused.content.decode()

    _login(client, customer.email, "pw-12345-abc", client_address="198.51.100.2")

    assert _signed_in(client)


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_not_read(client, make_customer):
    customer = make_customer()
    for n in range(12):
        _login(client, customer.email, "wrong-one", client_address=f"198.51.100.{n + 1}")

    page = _login(client, customer.email, "pw-12345-abc", client_address="198.51.100.99")

    assert "Too many failed attempts to sign in" in page.content.decode()
    assert not _signed_in(client)
