"""A poll round that ends 1,000 orders records their notices in one query per chunk, sends
nothing itself, and queues the sender once; the sender mails each customer who asked one digest
of what they asked for, and a second run sends nothing more."""

from decimal import Decimal

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import fixtures
from notifications.models import Notice, NoticeKind
from notifications.services import notices_send
from notifications.tasks import send_notices
from orders.models import Order
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus

FIRST_ID = 70_000_000
QUANTITY = 1000


def _answer(provider_order_id: int) -> dict:
    """A tenth Canceled, a tenth Partial, the rest Completed."""
    status, remains = {0: ("Canceled", QUANTITY), 1: ("Partial", QUANTITY // 2)}.get(
        provider_order_id % 10, ("Completed", 0)
    )
    return {"charge": "1", "start_count": "10", "status": status, "remains": str(remains), "currency": "USD"}


def test_a_thousand_orders_completing_in_one_round_make_one_email_per_customer_who_asked(
    provider, simulator, make_customer, wants, django_capture_on_commit_callbacks
):
    everything, completed_only, nothing = (make_customer("10000") for _ in range(3))
    wants(everything, completed=True, partial=True, canceled=True)
    wants(completed_only, completed=True)
    service = fixtures.default_service(provider)
    fixtures.insert_orders(
        owners=[everything, completed_only, nothing],
        service=service,
        count=1000,
        first_provider_order_id=FIRST_ID,
        quantity=QUANTITY,
        charge=Decimal("1.3"),
        vacuum=False,
    )
    simulator.answer_unheld_orders(_answer)

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        CaptureQueriesContext(connection) as queries,
    ):
        report = orders_poll(provider=provider)

    assert report is not None and report.changed == 1000 and report.calls == 10
    assert mail.outbox == []  # polling never waits for a mail server
    assert [callback for callback in callbacks if callback == send_notices.delay] == [send_notices.delay]
    # One query per chunk of 100 for notifications, the customers' choices read by the insert.
    assert sum("notifications_" in query["sql"] for query in queries) == 10

    theirs = Order.objects.filter(customer=everything).count()
    completed = Order.objects.filter(customer=completed_only, status=OrderStatus.COMPLETED).count()
    assert Notice.objects.filter(customer=everything).count() == theirs
    assert set(Notice.objects.filter(customer=completed_only).values_list("kind", flat=True)) == {
        NoticeKind.ORDER_COMPLETED
    }
    assert Notice.objects.filter(customer=completed_only).count() == completed
    assert not Notice.objects.filter(customer=nothing).exists()

    assert notices_send() == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [everything.email, completed_only.email]
    )
    by_to = {message.to[0]: message for message in mail.outbox}
    digest = by_to[everything.email]
    assert digest.subject == f"[Reseller Panel] {theirs} updates on your account"
    canceled = Order.objects.filter(customer=everything, status=OrderStatus.CANCELED).count()
    assert f"Orders canceled and refunded ({canceled}):" in digest.body
    assert "Orders delivered in part (Partial)" in digest.body
    assert "more (see Orders)." in digest.body  # a long list is cut, not a mail of a thousand lines
    assert "Orders canceled" not in by_to[completed_only.email].body
    assert by_to[completed_only.email].body.rstrip().endswith("Reseller Panel")

    assert notices_send() == 0  # each notice once
    assert len(mail.outbox) == 2
    assert not Notice.objects.filter(sent_at__isnull=True).exists()
