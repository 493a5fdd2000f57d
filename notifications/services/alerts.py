"""Alerts to the staff: e-mail to the admins (ADMIN_ALERT_EMAILS) and, when a bot is configured,
Telegram. Telegram is posted by a Celery task after the caller's commit: never from inside a
request or a transaction, and its failures are logged, never raised into the caller."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.mail import mail_admins
from django.db import transaction

log = logging.getLogger(__name__)

# Telegram refuses a message longer than this (in characters).
TELEGRAM_MAX_TEXT = 4096
_CONNECT_TIMEOUT, _READ_TIMEOUT = 5, 10


def telegram_configured() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_CHAT_IDS)


def staff_alert_send(*, subject: str, text: str) -> None:
    """Tell the staff: mail the admins now, and post to the Telegram chats once the caller commits."""
    try:
        mail_admins(subject, text)
    except Exception:  # an alert that cannot be mailed must not fail what it is about
        log.exception("staff alert not mailed: %s", subject)
    if telegram_configured():
        transaction.on_commit(partial(_queue_telegram, f"{subject}\n\n{text}"))


def _queue_telegram(text: str) -> None:
    from notifications.tasks import send_telegram_alert

    try:
        send_telegram_alert.delay(text)
    except Exception:  # the broker is down: the e-mail went, the caller goes on
        log.exception("staff alert not queued for Telegram")


def _without_token(text: str) -> str:
    # The Bot API puts the token in the URL, and requests' errors repeat the URL.
    return text.replace(settings.TELEGRAM_BOT_TOKEN, "<token>") if settings.TELEGRAM_BOT_TOKEN else text


def telegram_alert_send(*, text: str) -> int:
    """Post `text` (plain, never parsed as HTML or Markdown) to every chat of TELEGRAM_CHAT_IDS;
    returns how many chats took it. A chat that fails is logged and the others still get it."""
    if not telegram_configured():
        return 0
    import telebot
    from telebot import apihelper

    # pyTelegramBotAPI reads its address and timeouts from module settings: the same for every call.
    apihelper.API_URL = settings.TELEGRAM_API_URL.rstrip("/") + "/bot{0}/{1}"
    apihelper.CONNECT_TIMEOUT, apihelper.READ_TIMEOUT = _CONNECT_TIMEOUT, _READ_TIMEOUT
    try:
        bot = telebot.TeleBot(settings.TELEGRAM_BOT_TOKEN, threaded=False)
    except ValueError as error:
        log.error("TELEGRAM_BOT_TOKEN is not a bot token: %s", _without_token(str(error)))
        return 0
    posted = 0
    for chat_id in settings.TELEGRAM_CHAT_IDS:
        try:
            bot.send_message(
                chat_id, text[:TELEGRAM_MAX_TEXT], parse_mode=None, disable_web_page_preview=True
            )
        except Exception as error:  # any failure of one chat (HTTP, refusal, timeout) is logged
            log.warning("staff alert not posted to Telegram chat %s: %s", chat_id, _without_token(str(error)))
            continue
        posted += 1
    return posted
