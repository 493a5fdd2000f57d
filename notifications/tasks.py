"""Celery tasks of notifications: each calls one service."""

from datetime import timedelta

from celery import shared_task

from notifications import services


@shared_task(ignore_result=True)
def send_notices() -> None:
    """Every customer's pending notices, one e-mail each (queued after a poll round, a payment, a
    low balance)."""
    services.notices_send()


# Beat's run, every minute: what a lost task left, never a poll round still going on.
LEFT_AFTER = timedelta(minutes=2)


@shared_task(ignore_result=True)
def send_left_notices() -> None:
    services.notices_send(older_than=LEFT_AFTER)


@shared_task(ignore_result=True)
def check_low_balances() -> None:
    services.notices_record_low_balances()


@shared_task(ignore_result=True)
def purge_notices() -> None:
    services.notices_purge()


@shared_task(ignore_result=True)
def send_telegram_alert(text: str) -> None:
    services.telegram_alert_send(text=text)
