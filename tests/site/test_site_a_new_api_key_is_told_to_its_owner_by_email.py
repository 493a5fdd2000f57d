"""A new API key is told to its owner by e-mail: its prefix and when it was made, never the key,
and what to do if it was not them."""

import re

import pytest
from django.core import mail

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_creating_a_key_sends_one_plain_email_with_its_prefix_and_not_the_key(
    client, make_customer, django_capture_on_commit_callbacks
):
    customer = make_customer()
    client.force_login(customer)
    client.post("/account/reauthenticate/", {"password": PASSWORD})  # the password, given just now
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/account/api/", {"do": "create"})
    key = re.search(r'id="new-api-key">([0-9a-f]{64})<', page.content.decode())[1]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.email]
    assert "API key" in message.subject
    assert not message.alternatives  # plain text
    assert key[:8] in message.body and key not in message.body and key[8:] not in message.body
    assert "UTC" in message.body
    assert "If this was not you" in message.body


def test_no_email_goes_out_when_the_key_is_not_made(
    client, make_customer, django_capture_on_commit_callbacks
):
    customer = make_customer()
    client.force_login(customer)  # not recent: reauthentication first
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/api/", {"do": "create"})
    assert mail.outbox == []
