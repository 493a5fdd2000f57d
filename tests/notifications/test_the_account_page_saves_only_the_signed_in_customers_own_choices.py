"""The Account page's "E-mail notifications" form: shown with every e-mail off until the customer
chooses, saved for the signed-in customer only (whatever the form names), refused cleanly when a
value is bad, without the CSRF token, or when signed out."""

from decimal import Decimal

import pytest
from django.test import Client

from notifications.models import Preferences

URL = "/account/notifications/"
CHOICE = {"order_completed": "on", "order_canceled": "on", "low_balance_below": "5.50"}


@pytest.fixture
def signed_in(client, make_customer):
    customer = make_customer()
    client.force_login(customer)
    return customer


def test_the_account_page_shows_every_email_off_before_the_customer_chooses(client, signed_in):
    page = client.get("/account/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="notifications"' in html and f'action="{URL}"' in html
    assert 'name="order_completed"' in html and "checked" not in html.split('id="notifications"')[1][:3000]
    assert not Preferences.objects.exists()  # looking creates nothing


def test_saving_keeps_the_choice_and_shows_it_again(client, signed_in):
    answer = client.post(URL, CHOICE)

    assert answer.status_code == 302 and answer["Location"] == "/account/#notifications"
    saved = Preferences.objects.get(customer=signed_in)
    assert (saved.order_completed, saved.order_partial, saved.order_canceled, saved.payment_credited) == (
        True, False, True, False,
    )  # fmt: skip
    assert saved.low_balance_below == Decimal("5.50")
    assert 'value="5.50"' in client.get("/account/").content.decode()

    client.post(URL, {})  # every box unticked, the line emptied
    saved.refresh_from_db()
    assert not saved.order_completed and saved.low_balance_below is None


def test_a_form_naming_another_customer_saves_the_signed_in_customers_own(
    client, signed_in, make_customer, wants
):
    other = make_customer()
    wants(other, payment=True)

    client.post(URL, {**CHOICE, "customer": str(other.pk), "customer_id": str(other.pk)})

    assert Preferences.objects.get(customer=signed_in).order_completed
    theirs = Preferences.objects.get(customer=other)
    assert (theirs.payment_credited, theirs.order_completed, theirs.low_balance_below) == (True, False, None)


@pytest.mark.parametrize("line", ["-5", "0", "abc", "0.001", "99999999999999999"])
def test_a_bad_low_balance_line_is_refused_and_saves_nothing(client, signed_in, line):
    answer = client.post(URL, {**CHOICE, "low_balance_below": line})

    assert answer.status_code == 400
    assert 'aria-invalid="true"' in answer.content.decode()
    assert not Preferences.objects.exists()


def test_a_post_without_the_csrf_token_is_refused_and_saves_nothing(signed_in):
    client = Client(enforce_csrf_checks=True)
    client.force_login(signed_in)

    assert client.post(URL, CHOICE).status_code == 403
    assert not Preferences.objects.exists()


def test_a_signed_out_visitor_is_sent_to_sign_in_and_a_get_is_not_allowed(client, signed_in):
    assert client.get(URL).status_code == 405
    client.logout()
    answer = client.post(URL, CHOICE)
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")
    assert not Preferences.objects.exists()
