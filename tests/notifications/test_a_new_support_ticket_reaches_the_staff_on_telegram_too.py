"""A customer's new support ticket is a staff alert: mailed to the admins and, with a bot
configured, posted to each Telegram chat once the ticket is committed, with the link to answer it."""

import pytest
from django.core import mail

from support.services import ticket_open

pytestmark = pytest.mark.django_db


def test_a_new_ticket_is_mailed_and_posted_to_every_chat(
    bot_api, eager_tasks, make_customer, django_capture_on_commit_callbacks
):
    customer = make_customer()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_open(
            customer=customer,
            subject="other",
            message="Where is <b>my</b> order?",
            site_url="https://panel.test",
        )

    assert [message.to for message in mail.outbox] == [["ops@example.com"]]
    assert [sent.params["chat_id"] for sent in bot_api.messages] == ["-1001", "-1002"]
    text = bot_api.messages[0].params["text"]
    assert text.startswith(f"New support ticket {ticket.pk}")
    assert "Where is <b>my</b> order?" in text  # plain text, as written
    assert f"https://panel.test/admin/support/ticket/{ticket.pk}/change/" in text
