"""Recording notices inside the transaction that made them happen; never a network call here."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import F

from notifications.models import Notice, NoticeKind, Preferences
from provider.statuses import OrderStatus

KIND_OF_STATUS = {
    OrderStatus.COMPLETED: NoticeKind.ORDER_COMPLETED,
    OrderStatus.PARTIAL: NoticeKind.ORDER_PARTIAL,
    OrderStatus.CANCELED: NoticeKind.ORDER_CANCELED,
}


def notices_send_soon() -> None:
    """Queue the digest sender once the caller's transaction commits (at once outside one)."""
    from notifications.tasks import send_notices

    transaction.on_commit(send_notices.delay)


def notices_record_orders(*, orders: Sequence, send: bool = True) -> int:
    """Record a notice for each of `orders` (as they are now) that reached a final status its
    customer asked to hear of; returns how many. One query whatever their number, none without a
    final order: the customers' choices are read by the insert itself.

    `send`: queue the sender on commit. Polling passes False and queues it once its round is over,
    so that a round's thousand orders make one digest per customer, not one per chunk.
    """
    final = [(order.customer_id, KIND_OF_STATUS[order.status], order.pk) for order in orders
             if order.status in KIND_OF_STATUS]  # fmt: skip
    if not final:
        return 0
    customers, kinds, order_ids = (list(column) for column in zip(*final, strict=True))
    notice, preferences = Notice._meta.db_table, Preferences._meta.db_table
    # The kind is also the name of its switch on the preferences (notifications.models).
    wanted = " OR ".join(f"(v.kind = '{kind.value}' AND p.{kind.value})" for kind in KIND_OF_STATUS.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {notice} (customer_id, kind, order_id) "  # noqa: S608 (our own names)
            f"SELECT v.customer_id, v.kind, v.order_id "
            f"FROM unnest(%s::bigint[], %s::varchar[], %s::bigint[]) AS v(customer_id, kind, order_id) "
            f"JOIN {preferences} p ON p.customer_id = v.customer_id WHERE {wanted}",
            [customers, kinds, order_ids],
        )
        recorded = cursor.rowcount
    if recorded and send:
        notices_send_soon()
    return recorded


def notices_record_payment(*, payment) -> bool:
    """Record "payment credited" if its customer asked for it; sent on commit. True if recorded."""
    if not Preferences.objects.filter(customer_id=payment.customer_id, payment_credited=True).exists():
        return False
    Notice.objects.create(customer_id=payment.customer_id, kind=NoticeKind.PAYMENT_CREDITED, payment=payment)
    notices_send_soon()
    return True


def notices_record_low_balances() -> int:
    """Record "balance low" for each customer whose balance is below their line and was not told
    since it went there, and forget the crossing of those back at or above it. Returns how many
    were recorded. Beat runs it every minute: a charge never pays for it."""
    with transaction.atomic():
        # Locked: a concurrent check waits, then sees `low_balance_told` set and skips the row.
        crossed = list(
            Preferences.objects.select_for_update(of=("self",))
            .filter(
                low_balance_below__isnull=False,
                low_balance_told=False,
                customer__balance__amount__lt=F("low_balance_below"),
            )
            .values_list("customer_id", "customer__balance__amount")
        )
        if crossed:
            Preferences.objects.filter(customer_id__in=[customer for customer, _ in crossed]).update(
                low_balance_told=True
            )
            Notice.objects.bulk_create(
                Notice(customer_id=customer, kind=NoticeKind.BALANCE_LOW, amount=amount)
                for customer, amount in crossed
            )
            notices_send_soon()
        Preferences.objects.filter(low_balance_told=True, low_balance_below__isnull=False).filter(
            customer__balance__amount__gte=F("low_balance_below")
        ).update(low_balance_told=False)
    return len(crossed)
