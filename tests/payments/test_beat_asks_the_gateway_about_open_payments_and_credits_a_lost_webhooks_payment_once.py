"""Every 5 minutes beat runs check_open_payments on the background queue (with polling and
webhooks, never before a new order): a payment still open after PAYMENTS_CHECK_AFTER_MINUTES whose
webhook was lost is asked about at its gateway and credited, once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from billing.selectors import balance_amount
from panel.celery import app
from payments.models import Payment, PaymentState
from payments.services import payment_webhook_receive
from payments.tasks import check_open_payments
from tests.payments.staff import start_payment

pytestmark = pytest.mark.django_db


def test_the_schedule_is_seeded_every_5_minutes_on_the_background_queue():
    task = PeriodicTask.objects.get(name="payments: check open payments")
    assert task.enabled and task.task == check_open_payments.name
    assert (task.interval.every, task.interval.period) == (300, "seconds")
    assert app.amqp.router.route({}, check_open_payments.name)["queue"].name == "celery"


def _made_ago(payment: Payment, minutes: int) -> None:
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_a_paid_payment_whose_webhook_was_lost_is_credited_once(stripe_standin, make_customer, settings):
    customer = make_customer(funds=0)
    lost, young = start_payment(customer, amount="25.00"), start_payment(customer, amount="7.00")
    late_webhook = stripe_standin.complete(lost.gateway_payment_id)  # not delivered now
    stripe_standin.complete(young.gateway_payment_id)
    _made_ago(lost, settings.PAYMENTS_CHECK_AFTER_MINUTES + 1)

    check_open_payments()

    lost.refresh_from_db()
    young.refresh_from_db()
    assert lost.state == PaymentState.PAID and lost.events.get().source == "fetch"
    # Too young to ask about: its webhook may be on its way.
    assert young.state == PaymentState.CREATED and not young.events.exists()

    # The webhook turns up after all, and the next round runs: still one deposit.
    payment_webhook_receive(gateway_code="stripe", body=late_webhook.body, headers=late_webhook.headers)
    Payment.objects.filter(pk=lost.pk).update(checked_at=None)
    check_open_payments()
    assert LedgerEntry.objects.filter(payment=lost, kind=EntryKind.DEPOSIT).count() == 1
    assert balance_amount(customer_id=customer.pk) == Decimal("25")
    assert ledger_audit() == []


def test_a_payment_never_started_is_given_up_after_the_days_the_check_asks(
    stripe_standin, make_customer, settings
):
    abandoned = start_payment(make_customer(funds=0), amount="25.00")
    _made_ago(abandoned, settings.PAYMENTS_CHECK_GIVE_UP_DAYS * 24 * 60 + 1)
    check_open_payments()
    abandoned.refresh_from_db()
    assert abandoned.state == PaymentState.FAILED
    assert not abandoned.events.exists() and not abandoned.ledger.exists()
