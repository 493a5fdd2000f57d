"""Sending the notices: one digest e-mail per customer with everything pending, each notice once."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from billing.money import money_display
from notifications.models import Notice, NoticeKind
from orders.locks import LockNamespace
from panel.emails import customer_email_send

log = logging.getLogger(__name__)

# A digest lists this many lines of each kind, then counts the rest.
LINES_PER_KIND = 50
# Failed sends of a notice before it is given up (a bounced address is not tried for ever).
NOTICE_MAX_ATTEMPTS = 5
_HEADINGS = {
    NoticeKind.ORDER_COMPLETED: "Orders completed",
    NoticeKind.ORDER_PARTIAL: "Orders delivered in part (Partial), the rest refunded",
    NoticeKind.ORDER_CANCELED: "Orders canceled and refunded",
    NoticeKind.PAYMENT_CREDITED: "Payments credited",
    NoticeKind.BALANCE_LOW: "Balance low",
}


def _line(notice: Notice) -> str:
    if notice.order is not None:
        order = notice.order
        return f"#{order.pk} {order.service.name}: {order.quantity} for {order.link}"
    if notice.payment is not None:
        return f"{money_display(notice.payment.amount)} added to your balance (payment #{notice.payment.pk})"
    return f"Your balance was {money_display(notice.amount or 0)}, below the line you set."


def _subject(notices: list[Notice]) -> str:
    if len(notices) == 1:
        only = notices[0]
        if only.order_id is not None:
            return f"Order #{only.order_id}: {only.order.get_status_display()}"
        return only.get_kind_display()
    return f"{len(notices)} updates on your account"


def digest_body(notices: list[Notice]) -> str:
    """The e-mail's text: the notices under one heading per kind, oldest first, plain text."""
    by_kind: dict[str, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_kind[notice.kind].append(notice)
    parts = ["Here is what happened on your account:"]
    for kind, heading in _HEADINGS.items():
        of_kind = by_kind.get(kind)
        if not of_kind:
            continue
        lines = [f"  {_line(notice)}" for notice in of_kind[:LINES_PER_KIND]]
        if len(of_kind) > LINES_PER_KIND:
            lines.append(f"  ... and {len(of_kind) - LINES_PER_KIND} more (see Orders).")
        parts.append(f"{heading} ({len(of_kind)}):\n" + "\n".join(lines))
    parts.append("Choose which e-mails you get on your Account page.")
    return "\n\n".join(parts)


def _claim_next(older_than: timedelta | None, skip: set[int]) -> list[Notice]:
    """The pending notices of one customer not in `skip`, marked sent, committed: no other run
    sends them. Empty when none is left (or every customer left is being sent by another run).
    Adds the customer, or any found busy, to `skip`."""
    pending = Notice.objects.filter(sent_at__isnull=True, failed=False)
    if older_than is not None:
        pending = pending.filter(created_at__lt=timezone.now() - older_than)
    while True:
        customer_id = (
            pending.exclude(customer_id__in=skip)
            .order_by("customer_id")
            .values_list("customer_id", flat=True)
            .first()
        )
        if customer_id is None:
            return []
        skip.add(customer_id)
        with transaction.atomic():
            # One sender per customer: row locks alone would let two senders each take a part of
            # the customer's notices and send two e-mails.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)", [LockNamespace.CUSTOMER_DIGEST, customer_id]
                )
                if not cursor.fetchone()[0]:
                    continue
            notices = list(
                pending.select_for_update(of=("self",))
                .filter(customer_id=customer_id)
                .select_related("customer", "order__service", "payment")
                .order_by("id")
            )
            if not notices:
                continue  # another run sent them as we looked
            Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(sent_at=timezone.now())
        return notices


def _release(notices: list[Notice]) -> None:
    """Not sent after all (the mail server refused): back to pending, or given up after its tries."""
    ids = [notice.pk for notice in notices]
    attempts = notices[0].attempts + 1
    Notice.objects.filter(pk__in=ids).update(
        sent_at=None, attempts=attempts, failed=attempts >= NOTICE_MAX_ATTEMPTS
    )


def notices_send(*, older_than: timedelta | None = None, max_emails: int = 500) -> int:
    """Send each customer with pending notices one e-mail of them all; returns the e-mails sent.
    `older_than`: only notices recorded that long ago (beat's run leaves a poll round going on now
    to the task queued at its end, which sends the round in one e-mail).

    Each customer's notices are claimed (marked sent) and committed before the mail server is
    called, so two runs, or a retried one, never send a notice twice; a send the mail server
    refuses puts them back for the next run.
    """
    sent = 0
    refused: list[list[Notice]] = []
    done: set[int] = set()
    for _ in range(max_emails):
        notices = _claim_next(older_than, done)
        if not notices:
            break
        customer = notices[0].customer
        if not customer.is_active or not customer.email:
            continue  # nobody to tell: claimed, so not looked at again
        try:
            customer_email_send(to=customer.email, subject=_subject(notices), body=digest_body(notices))
        except Exception as error:  # any mail backend's failure: the notices wait for the next run
            log.warning("notices of customer %s not sent: %s", customer.pk, error)
            refused.append(notices)
            continue
        sent += 1
    # Released only after the run (which skips customers done already) for the next run.
    for notices in refused:
        _release(notices)
    return sent


def notices_purge() -> int:
    """Forget notices sent or given up over NOTIFICATIONS_KEEP_DAYS ago; returns how many."""
    before = timezone.now() - timedelta(days=settings.NOTIFICATIONS_KEEP_DAYS)
    deleted, _ = (
        Notice.objects.filter(created_at__lt=before).exclude(sent_at__isnull=True, failed=False).delete()
    )
    return deleted
