"""Each notice is e-mailed once: a second run finds nothing, two senders at once send each
customer's digest once, and a mail server that refuses leaves the notices for the next run (given
up after their tries), never sent twice."""

import pytest
from django.core import mail

from notifications.models import Notice, NoticeKind
from notifications.services import notices_send
from notifications.services.digest import NOTICE_MAX_ATTEMPTS
from tests.racing import race


def _notices(customers, each: int = 3) -> None:
    Notice.objects.bulk_create(
        Notice(customer=customer, kind=NoticeKind.BALANCE_LOW, amount=1)
        for customer in customers
        for _ in range(each)
    )


def test_a_second_run_sends_nothing(make_customer):
    customer = make_customer()
    _notices([customer])

    assert (notices_send(), notices_send()) == (1, 0)
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "[Reseller Panel] 3 updates on your account"


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_customer_once(make_customer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    customers = [make_customer() for _ in range(12)]
    _notices(customers)

    outcomes = race([notices_send, notices_send, notices_send])

    assert sum(outcomes) == 12, outcomes
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        customer.email for customer in customers
    )


def test_a_refusing_mail_server_leaves_the_notices_for_the_next_run_then_gives_up(make_customer, settings):
    customer = make_customer()
    _notices([customer], each=2)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens

    assert notices_send() == 0  # raises nothing
    assert list(Notice.objects.values_list("sent_at", "attempts", "failed").distinct()) == [(None, 1, False)]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notices_send() == 1
    assert len(mail.outbox) == 1

    _notices([customer], each=1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    for _ in range(NOTICE_MAX_ATTEMPTS):
        notices_send()
    assert Notice.objects.filter(failed=True, sent_at__isnull=True).count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notices_send() == 0  # given up: not tried for ever
