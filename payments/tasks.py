"""Celery tasks of payments: each calls one service."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from payments.services import payments_check_open


@shared_task(ignore_result=True)
def check_open_payments() -> None:
    """Ask the gateways about payments left open (beat, every 5 minutes): a lost webhook must not
    leave a paid payment uncredited. On the slow queue, with polling and webhooks: each payment is
    an HTTP call to its gateway, and no new order should wait behind them."""
    payments_check_open(
        older_than=timedelta(minutes=settings.PAYMENTS_CHECK_AFTER_MINUTES),
        give_up_after=timedelta(days=settings.PAYMENTS_CHECK_GIVE_UP_DAYS),
    )
