"""A payment credited by its gateway's webhook records a "payment credited" notice in the same
transaction for a customer who asked for it (none for one who did not, none for a replay), and
the digest tells the amount."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import Notice, NoticeKind
from notifications.services import notices_send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("gateway", ["stripe"], indirect=True)
def test_a_credited_payment_is_told_once_to_a_customer_who_asked_only(gateway, make_customer, wants):
    asked, silent = make_customer(funds=0), make_customer(funds=0)
    wants(asked, payment=True)
    wants(silent, completed=True)
    payment, other = gateway.start(asked, "12.34"), gateway.start(silent, "5.00")

    delivery = gateway.pay(payment)
    assert [gateway.deliver(delivery) for _ in range(2)] == [200, 200]  # the webhook and its replay
    assert gateway.deliver(gateway.pay(other)) == 200

    (notice,) = Notice.objects.all()
    assert (notice.customer_id, notice.kind, notice.payment_id) == (
        asked.pk,
        NoticeKind.PAYMENT_CREDITED,
        payment.pk,
    )
    assert notices_send() == 1
    (message,) = mail.outbox
    assert message.to == [asked.email]
    assert message.subject == "[Reseller Panel] Payment credited"
    assert f"12.34 USD added to your balance (payment #{payment.pk})" in message.body
