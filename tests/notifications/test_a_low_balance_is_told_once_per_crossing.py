"""A balance below the customer's line is told once when it goes below, not at every charge or
check while it stays there, and again only after it came back up and went below once more."""

from decimal import Decimal

from django.core import mail

from billing.services import ledger_adjust, ledger_deposit
from notifications.models import Notice, NoticeKind
from notifications.services import notices_record_low_balances, notices_send


def _move(customer, amount: str) -> None:
    value = Decimal(amount)
    if value > 0:
        ledger_deposit(customer=customer, amount=value, created_by=None, reason="test")
    else:
        ledger_adjust(customer=customer, amount=value, created_by=None, reason="test spend")


def test_the_crossing_below_the_line_is_told_once_and_again_after_the_balance_came_back(
    make_customer, wants, django_capture_on_commit_callbacks
):
    customer, unasked = make_customer("10"), make_customer("1")
    wants(customer, below=Decimal("5"))

    assert notices_record_low_balances() == 0  # 10 is above 5
    _move(customer, "-6")  # 4 now
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert notices_record_low_balances() == 1
    assert len(callbacks) == 1  # the sender is queued
    _move(customer, "-1")  # still below: a charge below the line tells nothing new
    assert notices_record_low_balances() == 0
    assert notices_record_low_balances() == 0

    assert notices_send() == 1
    (message,) = mail.outbox
    assert message.to == [customer.email]
    assert message.subject == "[Reseller Panel] Balance low"
    assert "Your balance was 4.00 USD, below the line you set." in message.body

    _move(customer, "2")  # 5: back at the line
    assert notices_record_low_balances() == 0
    _move(customer, "-0.01")
    assert notices_record_low_balances() == 1
    assert Notice.objects.filter(customer=customer, kind=NoticeKind.BALANCE_LOW).count() == 2
    assert not Notice.objects.filter(customer=unasked).exists()


def test_a_new_line_is_checked_afresh(make_customer, wants):
    customer = make_customer("3")
    wants(customer, below=Decimal("5"))
    assert notices_record_low_balances() == 1

    wants(customer, below=Decimal("4"))  # still below the new line: told again, once
    assert notices_record_low_balances() == 1
    assert notices_record_low_balances() == 0
