"""Sign-up with e-mail verification (a code by e-mail), e-mail login, and rate-limited failures."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from panel.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_a_new_customer_signs_up_confirms_the_code_and_lands_on_the_dashboard(client):
    response = client.post(
        "/signup/",
        {"email": "New@Example.com", "password1": "a-Long-pass-2024", "password2": "a-Long-pass-2024"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    # Not signed in until the address is confirmed.
    assert client.get("/dashboard/").status_code == 302
    code = re.search(r"browser window\.\s+(\S+)", mail.outbox[-1].body).group(1)
    assert mail.outbox[-1].to == ["new@example.com"]
    response = client.post("/account/confirm-email/", {"code": code})
    assert response.status_code == 302
    page = client.get("/dashboard/")
    assert page.status_code == 200 and b"new@example.com" in page.content
    assert User.objects.get(email="new@example.com").emailaddress_set.get().verified


def test_a_verified_customer_logs_in_with_the_e_mail_address(client, make_customer):
    customer = make_customer()
    response = client.post("/login/", {"login": customer.email.upper(), "password": "pw-12345-abc"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_an_unverified_customer_is_asked_for_the_code_first(client, django_user_model):
    django_user_model.objects.create_user(email="late@example.com", password="pw-12345-abc")
    response = client.post("/login/", {"login": "late@example.com", "password": "pw-12345-abc"})
    assert response["Location"] == "/account/confirm-email/"
    assert client.get("/dashboard/").status_code == 302


def test_repeated_failed_logins_are_refused_even_with_the_right_password(client, make_customer):
    customer = make_customer()
    for _ in range(5):
        page = client.post("/login/", {"login": customer.email, "password": "wrong-one"})
        assert page.status_code == 200
    page = client.post("/login/", {"login": customer.email, "password": "pw-12345-abc"})
    assert page.status_code in (200, 429)
    assert "Too many failed attempts to sign in" in page.content.decode()
    assert client.get("/dashboard/").status_code == 302


def test_logging_out_takes_a_post(client, make_customer):
    client.force_login(make_customer())
    client.post("/logout/")
    assert client.get("/dashboard/").status_code == 302
