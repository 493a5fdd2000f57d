"""Forwarding orders to the provider (docs/design.md rules 2-4).

An order is claimed with a conditional update and that claim is committed before the HTTP
call: no network call runs inside a transaction, and two workers can never send one order.
An `add` whose outcome is unknown is never sent again automatically, except to a provider that
honours idempotency keys: every `add` carries the order's own key, and such a provider answers a
repeat with the order it placed first, so the re-send is safe (docs/design.md rule 3).

An order its provider refused for a reason that may pass, or could not reach for long enough,
fails over to its service's backup (orders.services.failover).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from catalog.models import Service
from notifications.services import staff_alert_send
from orders.errors import IDEMPOTENCY_KEY_REUSED
from orders.models import Order, OrderEvent, Submission
from orders.services.failover import FAILOVER_REFUSALS, order_backup, order_fail_over
from orders.services.operations import order_reject_and_refund
from orders.services.waiting import orders_release_waiting
from provider.calls import Job, ProviderCalls, is_rate_limited
from provider.client import ProviderClient, ProviderError, ProviderRefused, ProviderUnreachable
from provider.models import Provider
from provider.services import provider_client, provider_reached, provider_unreachable_since
from provider.statuses import OrderStatus

log = logging.getLogger(__name__)

# A worker that claimed an order and went silent this long is presumed dead mid-call.
SENDING_TIMEOUT = timedelta(minutes=5)
# The submit task's own limit, whatever holds its call (a DNS lookup that hangs, which the client's
# timeouts do not bound): Celery stops it before the sweeper may call its order lost.
SUBMIT_TIME_LIMIT = SENDING_TIMEOUT - timedelta(minutes=1)
# A queued order whose task has not run after this long is queued again by the sweeper.
LOST_TASK_AFTER = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=1)
# A re-send with the same key is safe, so it waits less: 10 s, 20 s, 40 s... up to 5 minutes.
RESEND_BACKOFF = timedelta(seconds=10)
MAX_RESEND_BACKOFF = timedelta(minutes=5)
_FORWARD_LOCK = 7404  # advisory lock namespace: (7404, provider id), one forwarding run per provider
# Orders at a provider that answers a repeated key with the first order: they go again with it.
_HONOURED = Q(provider__honours_idempotency_keys=True)
_ORDER_WITH = ("service", "provider", "served_by")  # what an `add` and its settling read


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _resend_backoff(attempts: int) -> timedelta:
    return min(RESEND_BACKOFF * 2 ** max(attempts - 1, 0), MAX_RESEND_BACKOFF)


def _claim(order_id: int) -> bool:
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = (
        Order.objects.filter(due, pk=order_id, submission=Submission.QUEUED)
        .exclude(status=OrderStatus.CANCELED)
        .update(submission=Submission.SENDING, claimed_at=now, submit_attempts=F("submit_attempts") + 1)
    )
    return claimed == 1


def order_submit(*, order_id: int) -> str | None:
    """Send one queued order to its provider, now, in this thread (an admin's "send again").

    Returns its new submission state, or None when it was not ours to send (claimed elsewhere, not due).
    """
    with transaction.atomic():
        if not _claim(order_id):
            return None
    order = Order.objects.select_related(*_ORDER_WITH).get(pk=order_id)
    answer = _add(provider_client(order.provider), order)
    if not isinstance(answer, ProviderUnreachable) and order.provider.unreachable_since is not None:
        provider_reached(provider_id=order.provider_id)
    return _settle(order, answer)


def _add(client: ProviderClient, order: Order) -> int | ProviderError:
    """The `add` call alone: no database, safe in any thread. A failure is returned, not raised."""
    try:
        return client.add(
            service=order.sent_service.provider_service_id, idempotency_key=order.forward_key, **order.params
        )
    except ProviderError as error:
        return error


def _settle(order: Order, answer: int | ProviderError) -> str:
    """Writes what the answer to an order's `add` means (docs/design.md rule 3)."""
    if isinstance(answer, ProviderRefused):
        if answer.message == IDEMPOTENCY_KEY_REUSED:
            # The key is this order's own: the provider holds an order under it, so this is no
            # refusal to refund on. Only an admin can tell what it placed.
            return _mark_unknown(order, f"The provider holds another order under this order's key: {answer}")
        if answer.permanent:
            return _reject(order, answer.message)
        if answer.kind in FAILOVER_REFUSALS and (backup := order_backup(order=order)) is not None:
            return _fail_over(order, backup, f"{order.provider.name} refused it for now: {answer.message}")
        if is_rate_limited(answer):
            # Not placed, and the provider's pace is halved for every worker (provider.calls):
            # the order goes again at once, at the slower pace, without an alert.
            return _requeue(order, f"Provider asked to slow down: {answer.message}", alert=None, at_once=True)
        return _requeue(order, f"Provider refused for now: {answer.message}", alert=answer.kind)
    if isinstance(answer, ProviderUnreachable):
        # Nothing was sent: safe to send elsewhere once the provider has been down long enough.
        since = provider_unreachable_since(provider_id=order.provider_id)
        backup = order_backup(order=order)
        fail_over_at = since + timedelta(seconds=order.provider.failover_after)
        if backup is not None and timezone.now() >= fail_over_at:
            reason = f"{order.provider.name} not reached since {since:%H:%M:%S} UTC ({answer})"
            return _fail_over(order, backup, reason)
        not_after = fail_over_at if backup is not None else None
        return _requeue(order, f"Provider not reached: {answer}", alert=None, not_after=not_after)
    if isinstance(answer, ProviderError):
        if order.provider.honours_idempotency_keys:
            return _requeue(
                order,
                f"No usable answer to add ({answer}); it goes again with the same idempotency key",
                alert=None,
                resend=True,
            )
        return _mark_unknown(order, f"No usable answer to add ({answer}); the provider may have placed it")
    return _mark_sent(order, answer)


def _due_orders(provider_id: int):
    now = timezone.now()
    return (
        Order.objects.filter(provider_id=provider_id, submission=Submission.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(status=OrderStatus.CANCELED)
    )


def _claim_batch(provider_id: int, count: int) -> list[Order]:
    """Claims up to `count` of the provider's oldest due queued orders, committed before their calls:
    the conditional update of `_claim`, for many rows in one statement."""
    # SKIP LOCKED: an order a customer is canceling right now is passed over, not waited for.
    due = _due_orders(provider_id).order_by("pk").select_for_update(skip_locked=True).values("pk")[:count]
    quote = connection.ops.quote_name
    column = {name: quote(Order._meta.get_field(name).column) for name in ("submission", "claimed_at")}
    attempts = quote(Order._meta.get_field("submit_attempts").column)
    with transaction.atomic(), connection.cursor() as cursor:
        subquery, params = due.query.sql_with_params()  # FOR UPDATE compiles inside a transaction only
        cursor.execute(
            f"UPDATE {quote(Order._meta.db_table)} SET {column['submission']} = %s, "  # noqa: S608 (our names)
            f"{column['claimed_at']} = %s, {attempts} = {attempts} + 1 WHERE id IN ({subquery}) RETURNING id",
            [Submission.SENDING.value, timezone.now(), *params],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    return list(Order.objects.select_related(*_ORDER_WITH).filter(pk__in=ids).order_by("pk"))


@dataclass
class ForwardRun:
    sent: int = 0  # orders whose `add` was answered with an order id
    calls: int = 0
    peak_in_flight: int = 0
    more: bool = False  # due orders are left: the run stopped at its time limit


def _advisory(sql: str, provider_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(sql, [_FORWARD_LOCK, provider_id])
        return bool(cursor.fetchone()[0])


def orders_forward(*, provider_id: int) -> ForwardRun | None:
    """Send the provider's due queued orders, up to its `max_in_flight` at once, until none is left.

    One run per provider at a time (a session advisory lock, let go if the worker dies); None when
    another run holds it: that run sends the order too. An order committed while a run is letting
    go sees the lock still held and leaves it to that run, so the run looks again once it let go.
    """
    provider = Provider.objects.filter(pk=provider_id, is_active=True).first()
    if provider is None:
        return None
    run: ForwardRun | None = None
    # Claiming stops in time for every call started to end before the task's own time limit.
    call_limit = float(settings.PROVIDER_CONNECT_TIMEOUT + settings.PROVIDER_READ_TIMEOUT)
    until = time.monotonic() + max(SUBMIT_TIME_LIMIT.total_seconds() - call_limit - 20, 5)
    while _advisory("SELECT pg_try_advisory_lock(%s, %s)", provider_id):
        run = run or ForwardRun()
        try:
            _forward_run(provider, run, until=until)
        finally:
            _advisory("SELECT pg_advisory_unlock(%s, %s)", provider_id)
        if not _due_orders(provider_id).exists():
            break
        if time.monotonic() >= until:
            run.more = True
            break
    return run


def _forward_run(provider: Provider, run: ForwardRun, *, until: float) -> None:
    client = provider_client(provider)
    answered: list[tuple[Order, int]] = []  # sent, written together after each batch of answers
    # Whether the provider is marked unreachable: an answer then clears the mark, once.
    down = [provider.unreachable_since is not None]

    def next_jobs(count: int) -> list[Job]:
        return [
            Job(call=partial(_add, client, order), done=partial(done, order))
            for order in _claim_batch(provider.pk, count)
        ]

    def done(order: Order, answer: int | ProviderError) -> None:
        if isinstance(answer, ProviderUnreachable):
            down[0] = True  # _settle marks it
        elif down[0]:
            provider_reached(provider_id=provider.pk)
            down[0] = False
        if isinstance(answer, int):
            answered.append((order, answer))
        else:
            _settle(order, answer)

    def flush() -> None:
        run.sent += _mark_sent_many(answered)
        answered.clear()

    expected = _due_orders(provider.pk).count()
    report = ProviderCalls(provider).run(next_jobs, expected=expected, until=until, flush=flush)
    flush()
    run.calls += report.calls
    run.peak_in_flight = max(run.peak_in_flight, report.peak_in_flight)


def _mark_sent_many(answered: list[tuple[Order, int]]) -> int:
    """`_mark_sent` for many orders in one statement and one insert of their events."""
    if not answered:
        return 0
    quote = connection.ops.quote_name
    field = {name: quote(Order._meta.get_field(name).column) for name in ("submission", "provider_order_id")}
    error, retry_at, flagged = (
        quote(Order._meta.get_field(n).column) for n in ("error", "next_attempt_at", "flagged")
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            # As in _mark_sent: a late answer still counts after the sweeper called the order unknown.
            cursor.execute(
                f"UPDATE {quote(Order._meta.db_table)} AS o SET {field['submission']} = %s, "  # noqa: S608
                f"{field['provider_order_id']} = v.pid, {error} = '', {retry_at} = NULL, {flagged} = false "
                f"FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, pid) "
                f"WHERE o.id = v.id AND o.{field['submission']} IN (%s, %s) RETURNING o.id",
                [
                    Submission.SENT.value,
                    [order.pk for order, _ in answered],
                    [provider_order_id for _, provider_order_id in answered],
                    Submission.SENDING.value,
                    Submission.UNKNOWN.value,
                ],
            )
            updated = {row[0] for row in cursor.fetchall()}
        OrderEvent.objects.bulk_create(
            OrderEvent(order=order, message=f"Sent; the provider's order id is {provider_order_id}")
            for order, provider_order_id in answered
            if order.pk in updated
        )
    return len(answered)


def _mark_sent(order: Order, provider_order_id: int) -> str:
    with transaction.atomic():
        # A late answer still counts after the sweeper called the order unknown, and settles what
        # the sweeper flagged it for: nothing is left for an admin to resolve.
        updated = Order.objects.filter(
            pk=order.pk, submission__in=[Submission.SENDING, Submission.UNKNOWN]
        ).update(
            submission=Submission.SENT,
            provider_order_id=provider_order_id,
            error="",
            next_attempt_at=None,
            flagged=False,
        )
        if updated:
            OrderEvent.objects.create(
                order=order, message=f"Sent; the provider's order id is {provider_order_id}"
            )
    return Submission.SENT


def _reject(order: Order, reason: str) -> str:
    order_reject_and_refund(
        order=order,
        from_submissions=[Submission.SENDING],
        error=reason,
        refund_reason=f"Rejected by provider: {reason}",
        event=f"Rejected by the provider: {reason}; refunded",
    )
    log.info("order %s rejected by the provider: %s", order.pk, reason)
    return Submission.REJECTED


def _requeue(
    order: Order,
    reason: str,
    *,
    alert: str | None,
    at_once: bool = False,
    resend: bool = False,
    not_after: datetime | None = None,
) -> str:
    """`resend`: the `add` had no clear answer, so the order may be placed (never fails over).
    `not_after`: the next try is no later than this (when it may fail over)."""
    if at_once:
        retry_at = timezone.now()
    else:
        attempts = Order.objects.filter(pk=order.pk).values_list("submit_attempts", flat=True).first() or 1
        retry_at = timezone.now() + (_resend_backoff if resend else _backoff)(attempts)
    if not_after is not None:
        retry_at = min(retry_at, not_after)
    with transaction.atomic():
        updated = Order.objects.filter(pk=order.pk, submission=Submission.SENDING).update(
            submission=Submission.QUEUED,
            next_attempt_at=retry_at,
            error=reason,
            claimed_at=None,
            **({"maybe_placed": True} if resend else {}),
        )
        if updated:
            OrderEvent.objects.create(order=order, message=f"{reason}; next try at {retry_at:%H:%M:%S} UTC")
    log.warning("order %s queued again: %s", order.pk, reason)
    if alert is not None:
        _tell_admins_once_an_hour(order, reason, alert)
    return Submission.QUEUED


def _tell_admins_once_an_hour(
    order: Order, reason: str, kind: str, *, then: str = "They are retried with back-off."
) -> None:
    if cache.add(f"orders:alert:{order.provider_id}:{kind}", 1, timeout=3600):
        staff_alert_send(
            subject=f"Provider {order.provider.name} is refusing orders for now",
            text=f"Order {order.pk} and maybe others are waiting: {reason}\n"
            f"{then} See the orders needing attention in the admin.",
        )


def _fail_over(order: Order, backup: Service, reason: str) -> str:
    if order_fail_over(order=order, backup=backup, reason=reason):
        _tell_admins_once_an_hour(order, reason, "failover", then="New orders go to their services' backups.")
    return Submission.QUEUED


def _mark_unknown(order: Order, reason: str) -> str:
    with transaction.atomic():
        updated = Order.objects.filter(pk=order.pk, submission=Submission.SENDING).update(
            submission=Submission.UNKNOWN, error=reason, flagged=True, maybe_placed=True
        )
        if updated:
            OrderEvent.objects.create(
                order=order, message=f"Outcome unknown: {reason}. An admin must resolve it."
            )
    log.error("order %s: outcome unknown: %s", order.pk, reason)
    return Submission.UNKNOWN


def orders_sweep() -> tuple[int, list[int]]:
    """Orders stuck in `sending` become `unknown`; queued orders whose task was lost, and waiting
    orders whose link is free now, are returned to be queued. At a provider that honours
    idempotency keys, stuck and unknown orders are queued again instead: their re-send carries the
    same key. Returns (how many became unknown, the ids to queue)."""
    now = timezone.now()
    released = orders_release_waiting()
    resent = _orders_resend_with_their_keys(now)
    stuck = list(
        Order.objects.filter(submission=Submission.SENDING, claimed_at__lt=now - SENDING_TIMEOUT)
        .exclude(_HONOURED)
        .values_list("pk", flat=True)
    )
    for order_id in stuck:
        with transaction.atomic():
            updated = Order.objects.filter(
                pk=order_id, submission=Submission.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
            ).update(
                submission=Submission.UNKNOWN,
                flagged=True,
                maybe_placed=True,
                error="The worker sending it went silent",
            )
            if updated:
                OrderEvent.objects.create(
                    order_id=order_id,
                    message="Stuck while sending: outcome unknown. An admin must resolve it.",
                )
    due = list(
        Order.objects.filter(submission=Submission.QUEUED, updated_at__lt=now - LOST_TASK_AFTER)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(status=OrderStatus.CANCELED)
        .exclude(pk__in=resent)
        .order_by("pk")
        .values_list("pk", flat=True)[:10_000]
    )
    # A task that is only late (a backlog behind a slow provider) looks lost too. Stamping the
    # orders queued again means one new task per LOST_TASK_AFTER, not one per sweep: otherwise
    # every sweep adds a copy for every waiting order and the backlog outgrows the workers.
    Order.objects.filter(pk__in=due, submission=Submission.QUEUED).update(updated_at=now)
    return len(stuck), released + resent + due


def _orders_resend_with_their_keys(now) -> list[int]:
    """Queues again, at a provider that honours idempotency keys, the orders stuck in `sending` and
    those whose outcome is unknown (the flag may have been turned on since): the same key makes the
    re-send place nothing new if the first `add` was placed. Never at another provider."""
    stuck = Q(submission=Submission.SENDING, claimed_at__lt=now - SENDING_TIMEOUT)
    ids: list[int] = []
    with transaction.atomic():
        # The conditional update is the claim: an order a late answer settled meanwhile is not touched.
        for reason, which in (
            ("The worker sending it went silent", stuck),
            ("Its outcome was unknown", Q(submission=Submission.UNKNOWN)),
        ):
            rows = list(
                Order.objects.filter(which, _HONOURED)
                .exclude(status=OrderStatus.CANCELED)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:10_000]
            )
            Order.objects.filter(pk__in=rows).filter(which).update(
                submission=Submission.QUEUED,
                next_attempt_at=None,
                claimed_at=None,
                flagged=False,
                maybe_placed=True,
                updated_at=now,
                error=f"{reason}; sent again with the same idempotency key",
            )
            OrderEvent.objects.bulk_create(
                OrderEvent(order_id=pk, message=f"{reason}: sent again with the same idempotency key")
                for pk in rows
            )
            ids += rows
    return ids
