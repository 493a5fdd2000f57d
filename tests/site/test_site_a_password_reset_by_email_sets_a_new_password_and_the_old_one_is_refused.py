"""A forgotten password, end to end through the real e-mail outbox: the customer asks on the
sign-in page's reset form, gets one mail with a link, follows it, sets a new password and signs in
with it; the old password is refused from then on, and the link works once. An address with no
account gets no link (and the form answers the same, so it tells nobody who has an account)."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-pw-24680-qrs"
LINK = re.compile(r"http://testserver(/account/password/reset/key/\S+/)")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _signs_in(email: str, password: str) -> bool:
    client = Client()
    response = client.post("/login/", {"login": email, "password": password})
    return response.status_code == 302 and client.get("/dashboard/").status_code == 200


def _ask_for_a_reset(client: Client, email: str):
    page = client.get("/login/").content.decode()
    assert 'href="/account/password/reset/"' in page  # the sign-in page offers it
    return client.post("/account/password/reset/", {"email": email})


def test_the_mailed_link_sets_a_new_password_that_signs_in_and_the_old_one_is_refused(make_customer):
    customer = make_customer()
    visitor = Client()
    mail.outbox.clear()
    asked = _ask_for_a_reset(visitor, customer.email.upper())
    assert asked.status_code == 302 and asked["Location"] == "/account/password/reset/done/"

    assert len(mail.outbox) == 1 and mail.outbox[0].to == [customer.email]
    link = LINK.search(mail.outbox[0].body)[1]
    # allauth moves the key out of the address into the session before showing the form.
    form = visitor.get(link, follow=True)
    assert form.status_code == 200 and 'name="password1"' in form.content.decode()
    done = visitor.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/account/password/reset/key/done/"

    assert _signs_in(customer.email, NEW_PASSWORD)
    cache.clear()
    assert not _signs_in(customer.email, PASSWORD)


def test_the_link_works_once(make_customer):
    customer = make_customer()
    visitor = Client()
    mail.outbox.clear()
    _ask_for_a_reset(visitor, customer.email)
    link = LINK.search(mail.outbox[0].body)[1]
    form = visitor.get(link, follow=True)
    visitor.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Client().get(link, follow=True).content.decode()
    assert 'name="password1"' not in again
    assert "The password reset link was invalid, possibly because it has already been used." in again
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)


def test_a_mismatched_new_password_changes_nothing(make_customer):
    customer = make_customer()
    visitor = Client()
    mail.outbox.clear()
    _ask_for_a_reset(visitor, customer.email)
    form = visitor.get(LINK.search(mail.outbox[0].body)[1], follow=True)
    mismatched = {"password1": NEW_PASSWORD, "password2": "other-pw-1357"}
    refused = visitor.post(form.redirect_chain[-1][0], mismatched)
    assert refused.status_code == 200 and "same password" in refused.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_an_address_without_an_account_gets_no_link_and_the_same_answer(make_customer):
    mail.outbox.clear()
    asked = _ask_for_a_reset(Client(), "nobody@example.com")
    assert asked.status_code == 302 and asked["Location"] == "/account/password/reset/done/"
    assert all(not LINK.search(message.body) for message in mail.outbox)
