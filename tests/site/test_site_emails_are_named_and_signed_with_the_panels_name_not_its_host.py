"""Every e-mail a customer gets names the panel as settings.PANEL_NAME: the subject starts with
"[PANEL_NAME] " and the body greets and signs with it. The host and port the request came to
("127.0.0.1:8000" on a development machine) appear only inside a link, never as the sender's name.
allauth's (sign-up verification, password reset) and the panel's own (a new API key) alike."""

import re

import pytest
from django.core.cache import cache

from panel.apikeys import api_key_create

HOST = "127.0.0.1:8000"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _served_at_a_host_and_port(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    cache.clear()  # sign-up and reset limits
    yield
    cache.clear()


def assert_named_and_signed(message, settings) -> None:
    assert message.subject.startswith(f"[{settings.PANEL_NAME}] ")
    assert "127.0.0.1" not in message.subject and "example.com" not in message.subject
    outside_links = re.sub(r"https?://\S+", "", message.body)
    assert "127.0.0.1" not in outside_links and "testserver" not in outside_links
    assert message.body.rstrip().endswith(f"-- \n{settings.PANEL_NAME}")


def test_the_sign_up_verification_is_named_and_signed_with_the_panels_name(client, mailoutbox, settings):
    response = client.post(
        "/signup/",
        {"email": "new@example.org", "password1": "a-Long-pass-2024", "password2": "a-Long-pass-2024"},
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    (message,) = mailoutbox
    assert_named_and_signed(message, settings)
    assert f"Hello from {settings.PANEL_NAME}!" in message.body
    assert f"register an account on {settings.PANEL_NAME}" in message.body


def test_the_password_reset_is_named_and_signed_with_the_panels_name(
    client, make_customer, mailoutbox, settings
):
    customer = make_customer()
    response = client.post("/account/password/reset/", {"email": customer.email}, HTTP_HOST=HOST)
    assert response.status_code == 302
    (message,) = mailoutbox
    assert_named_and_signed(message, settings)
    assert f"Hello from {settings.PANEL_NAME}!" in message.body
    assert f"http://{HOST}/account/password/reset/key/" in message.body  # the link does name the host


def test_the_panels_own_email_is_named_and_signed_alike(
    make_customer, mailoutbox, settings, django_capture_on_commit_callbacks
):
    customer = make_customer()
    with django_capture_on_commit_callbacks(execute=True):
        api_key_create(customer=customer)
    (message,) = mailoutbox
    assert_named_and_signed(message, settings)
    assert message.subject == f"[{settings.PANEL_NAME}] A new API key was created for your account"
