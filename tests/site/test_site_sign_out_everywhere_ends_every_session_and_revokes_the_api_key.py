"""The account page's "Sign out everywhere and revoke API keys" (a POST with CSRF) ends every session
of the customer, this one and those on other devices, and revokes their API key at once."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from panel.apikeys import api_key_create

pytestmark = pytest.mark.django_db

BUTTON = "Sign out everywhere and revoke API keys"


def _works(key: str) -> bool:
    return "balance" in Client().post("/api/v2", {"key": key, "action": "balance"}).json()


def _signed_in(client: Client) -> bool:
    return client.get("/dashboard/").status_code == 200


def test_the_button_ends_every_session_and_the_old_key_is_refused(
    make_customer, django_capture_on_commit_callbacks
):
    customer, other = make_customer(), make_customer()
    _, key = api_key_create(customer=customer)
    _, others_key = api_key_create(customer=other)
    here, phone, others = Client(enforce_csrf_checks=True), Client(), Client()
    here.force_login(customer)
    phone.force_login(customer)
    others.force_login(other)
    assert _works(key) and _signed_in(phone)  # the key is in the API's cache now

    page = here.get("/account/").content.decode()
    assert BUTTON in page
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(
            "/account/sign-out-everywhere/", {"csrfmiddlewaretoken": here.cookies["csrftoken"].value}
        )
    assert response.status_code == 302

    assert not _works(key)
    assert not _signed_in(phone) and not _signed_in(here)
    assert not any(
        session.get_decoded().get("_auth_user_id") == str(customer.pk) for session in Session.objects.all()
    )
    # Another customer keeps their session and key.
    assert _signed_in(others) and _works(others_key)


def test_the_button_refuses_a_post_without_csrf_and_a_get(make_customer):
    customer = make_customer()
    _, key = api_key_create(customer=customer)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    assert browser.post("/account/sign-out-everywhere/").status_code == 403
    assert browser.get("/account/sign-out-everywhere/").status_code == 405
    assert _works(key) and _signed_in(browser)
