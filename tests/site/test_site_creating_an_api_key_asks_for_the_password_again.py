"""Creating an API key is a sensitive step: a session that did not sign in with its password in the
last few minutes (a stolen cookie, say) is sent to allauth's reauthentication first, and the key
is made once the password is given again."""

import re

import pytest

from panel.models import ApiKey
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_session_without_a_recent_sign_in_is_sent_to_reauthenticate_and_gets_no_key(client, make_customer):
    customer = make_customer()
    client.force_login(customer)  # a session, but no password typed in it
    response = client.post("/account/api/", {"do": "create"})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/reauthenticate/")
    assert not ApiKey.objects.filter(customer=customer).exists()


def test_after_the_password_is_given_again_the_key_is_made_and_shown_once(client, make_customer):
    customer = make_customer()
    client.force_login(customer)
    asked = client.post("/account/api/", {"do": "create"})
    # allauth keeps the suspended POST and runs it once the password is given.
    done = client.post(asked["Location"], {"password": PASSWORD})
    assert done.status_code == 200
    shown = re.search(r'id="new-api-key">([0-9a-f]{64})<', done.content.decode())
    assert shown
    assert ApiKey.objects.get(customer=customer, revoked_at__isnull=True).prefix == shown[1][:8]


def test_revoking_a_key_needs_no_password(client, make_customer):
    from panel.apikeys import api_key_create

    customer = make_customer()
    api_key_create(customer=customer)
    client.force_login(customer)
    assert client.post("/account/api/", {"do": "revoke"})["Location"] == "/account/api/"
    assert not ApiKey.objects.filter(customer=customer, revoked_at__isnull=True).exists()
