"""A staff alert is mailed to the admins and, once the caller commits, posted by a Celery task to
each Telegram chat through the Bot API (the token in the path, the text as plain text). A wrong
token, a refusing chat or a Bot API that is down is logged without the token and never reaches
the caller; without a bot configured nothing is posted."""

import logging
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction

from notifications.services import staff_alert_send
from provider.services import provider_check_balance
from tests.notifications.conftest import BOT_TOKEN

pytestmark = pytest.mark.django_db


def _alert_committed(capture, subject="Provider X: balance low", text="Add funds <b>now</b> & then"):
    with capture(execute=True) as callbacks, transaction.atomic():
        staff_alert_send(subject=subject, text=text)
    return callbacks


def test_an_alert_is_posted_to_every_chat_after_the_commit_only(
    bot_api, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_alert_send(subject="Provider X: balance low", text="Add funds <b>now</b> & then")
    assert bot_api.requests == []  # not from inside the caller's transaction
    assert [message.to for message in mail.outbox] == [["ops@example.com"]]

    for callback in callbacks:
        callback()

    assert [(sent.token, sent.params["chat_id"]) for sent in bot_api.messages] == [
        (BOT_TOKEN, "-1001"),
        (BOT_TOKEN, "-1002"),
    ]
    # Plain text as written: no parse mode, so a provider's text is never read as HTML.
    assert {sent.params["text"] for sent in bot_api.messages} == {
        "Provider X: balance low\n\nAdd funds <b>now</b> & then"
    }
    assert all("parse_mode" not in sent.params for sent in bot_api.messages)


def test_a_chat_that_fails_does_not_keep_the_alert_from_the_others(
    bot_api, eager_tasks, django_capture_on_commit_callbacks
):
    bot_api.fail_chat = "-1001"
    _alert_committed(django_capture_on_commit_callbacks)
    assert [sent.params["chat_id"] for sent in bot_api.messages] == ["-1001", "-1002"]


@pytest.mark.parametrize("trouble", ["wrong token", "bot api down", "nothing listening"])
def test_a_telegram_failure_is_logged_without_the_token_and_never_raised(
    bot_api, eager_tasks, settings, caplog, django_capture_on_commit_callbacks, trouble
):
    if trouble == "wrong token":
        settings.TELEGRAM_BOT_TOKEN = "654321:another-token"
    elif trouble == "bot api down":
        bot_api.down = True
    else:
        settings.TELEGRAM_API_URL = "http://127.0.0.1:9"
    caplog.set_level(logging.WARNING, logger="notifications")

    _alert_committed(django_capture_on_commit_callbacks)  # raises nothing

    assert len(mail.outbox) == 1  # the e-mail went all the same
    failures = [record for record in caplog.records if "not posted to Telegram" in record.getMessage()]
    assert len(failures) == 2
    assert not any(settings.TELEGRAM_BOT_TOKEN in record.getMessage() for record in caplog.records)


def test_without_a_bot_nothing_is_posted(bot_api, eager_tasks, settings, django_capture_on_commit_callbacks):
    settings.TELEGRAM_CHAT_IDS = []
    callbacks = _alert_committed(django_capture_on_commit_callbacks)
    assert callbacks == [] and bot_api.requests == []
    assert len(mail.outbox) == 1


def test_a_provider_balance_falling_low_is_posted_to_telegram(
    bot_api, eager_tasks, provider, simulator, django_capture_on_commit_callbacks
):
    provider.low_balance_threshold = Decimal("10")
    provider.save()
    simulator.set_balance(Decimal("3"))

    with django_capture_on_commit_callbacks(execute=True):
        provider_check_balance(provider_id=provider.pk)

    texts = [sent.params["text"] for sent in bot_api.messages]
    assert len(texts) == 2 and texts[0].startswith("Provider Simulator: balance low (3")
