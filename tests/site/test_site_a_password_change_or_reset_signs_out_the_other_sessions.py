"""A new password signs the customer's other sessions out: a change keeps only the session that made
it (Django's session hash does that), a reset ends them all and deletes their rows (allauth's
password_reset signal): a session nobody uses again is not left lying in the table."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-pw-98765-xyz"


def _signed_in(client: Client) -> bool:
    return client.get("/dashboard/").status_code == 200


def _sessions_of(user) -> int:
    return sum(
        session.get_decoded().get("_auth_user_id") == str(user.pk) for session in Session.objects.all()
    )


def test_a_password_change_keeps_this_session_and_signs_out_the_others(make_customer):
    customer = make_customer()
    here, phone = Client(), Client()
    here.post("/login/", {"login": customer.email, "password": PASSWORD})
    phone.post("/login/", {"login": customer.email, "password": PASSWORD})
    response = here.post(
        "/account/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _signed_in(here) and not _signed_in(phone)


def test_a_password_reset_ends_every_session_of_the_customer(make_customer):
    customer, other = make_customer(), make_customer()
    phone, others = Client(), Client()
    phone.post("/login/", {"login": customer.email, "password": PASSWORD})
    others.post("/login/", {"login": other.email, "password": PASSWORD})
    assert _sessions_of(customer) == 1

    visitor = Client()
    mail.outbox.clear()
    visitor.post("/account/password/reset/", {"email": customer.email})
    link = re.search(r"http://testserver(/account/password/reset/key/\S+/)", mail.outbox[0].body)[1]
    form = visitor.get(link, follow=True)
    visitor.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    # The rows are gone at once, not only refused when next used (which would delete them then).
    assert _sessions_of(customer) == 0
    assert not _signed_in(phone)
    assert _signed_in(others) and _sessions_of(other) == 1
