"""Polling the provider for order statuses, 100 ids a call, and applying them (docs/design.md rule 5).

Each chunk of answers is applied in one transaction with a fixed number of queries: final
statuses are final, money moves only on the move into Partial or Canceled, and a repeated,
late or contradictory answer moves nothing.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.money import AMOUNT_QUANTUM, MAX_AMOUNT
from billing.services import ledger_refund_many
from catalog.models import ServiceType
from notifications.services import notices_record_orders, notices_send_soon
from orders.models import FINAL, SHOWN_CANCEL_NOT_DONE, CancelState, Order, OrderEvent, Submission
from orders.services.settling import Settlement, order_settlement
from orders.services.waiting import orders_release_waiting
from provider.calls import Job, ProviderCalls, is_rate_limited
from provider.client import MAX_IDS_PER_CALL, OrderStatusResult, ProviderError, ProviderRefused
from provider.models import Provider
from provider.services import provider_client
from provider.statuses import OrderStatus
from webhooks.services import OrderStatusChange, webhook_events_record

log = logging.getLogger(__name__)

# After this many polls in a row where the provider did not know an order (or sent a status
# we cannot read), the order is flagged for an admin; it keeps being polled.
FLAG_AFTER_UNKNOWN_POLLS = 5
_POLL_LOCK = 7402


@dataclass
class PollReport:
    orders: int = 0
    calls: int = 0
    failed_calls: int = 0
    changed: int = 0
    refunds: int = 0
    flagged: int = 0
    notices: int = 0
    errors: list[str] = field(default_factory=list)


def orders_to_poll(provider: Provider) -> list[int]:
    """Ids of the provider's sent, non-final orders, the longest unchecked first."""
    return list(
        Order.objects.filter(provider=provider, submission=Submission.SENT)
        .exclude(status__in=FINAL)
        .order_by(F("last_checked_at").asc(nulls_first=True), "id")
        .values_list("id", flat=True)
    )


def orders_poll(*, provider: Provider) -> PollReport | None:
    """One round over every sent, non-final order of `provider`. None if a round is already running."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_POLL_LOCK, provider.pk])
        if not cursor.fetchone()[0]:
            log.info("provider %s: a poll round is already running", provider.name)
            return None
    try:
        return _poll_round(provider)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_POLL_LOCK, provider.pk])


def _poll_round(provider: Provider) -> PollReport:
    return orders_poll_ids(provider=provider, order_ids=orders_to_poll(provider))


# A poll round, like cancels and refills, takes at most this share of the provider's calls in
# flight: the rest stays free for forwarding, so that a new order never waits behind a round.
BACKGROUND_SHARE = 0.5
# A chunk answered "Too many requests" is asked again, at the slower pace, this many times.
RATE_LIMITED_RETRIES = 3


def orders_poll_ids(*, provider: Provider, order_ids: list[int]) -> PollReport:
    """Ask `provider` for the status of these orders (ours, sent to it), 100 a call, several calls at
    once (provider.calls), and apply each chunk's answers in its own transaction as they come back."""
    report = PollReport(orders=len(order_ids))
    client = provider_client(provider)
    chunks = deque(
        order_ids[start : start + MAX_IDS_PER_CALL] for start in range(0, len(order_ids), MAX_IDS_PER_CALL)
    )
    again: deque[tuple[dict[int, int], int]] = deque()  # rate-limited chunks and their tries so far

    def next_jobs(_: int) -> list[Job]:  # a chunk at a time: its ids are read when it may go
        if again:
            provider_ids, tries = again.popleft()
        elif chunks:
            chunk = chunks.popleft()
            provider_ids, tries = (
                # Only this provider's sent orders: another provider's number means another order.
                dict(
                    Order.objects.filter(
                        pk__in=chunk, provider=provider, submission=Submission.SENT
                    ).values_list("provider_order_id", "pk")
                ),
                0,
            )
        else:
            return []
        return [
            Job(call=partial(client.statuses, list(provider_ids)), done=partial(done, provider_ids, tries))
        ]

    def done(provider_ids: dict[int, int], tries: int, answers) -> None:
        if is_rate_limited(answers) and tries < RATE_LIMITED_RETRIES:
            again.append((provider_ids, tries + 1))
            return
        report.calls += 1
        if isinstance(answers, ProviderError):
            # Nothing changes; these orders are the oldest checked and come first next round.
            report.failed_calls += 1
            report.errors.append(str(answers))
            log.warning(
                "provider %s: status of %d orders not read: %s", provider.name, len(provider_ids), answers
            )
            return
        by_order = {provider_ids[pid]: answer for pid, answer in answers.items() if pid in provider_ids}
        applied = orders_apply_statuses(answers=by_order, factor=provider.currency_factor)
        report.changed += applied.changed
        report.refunds += applied.refunds
        report.flagged += applied.flagged
        report.notices += applied.notices

    # Run even for no chunk, so that a round's own queries are the same whatever its size.
    ProviderCalls(provider, share=BACKGROUND_SHARE).run(next_jobs, expected=len(chunks))
    if report.notices:
        notices_send_soon()  # once the round is over: one digest per customer for all its chunks
    return report


@dataclass
class Applied:
    changed: int = 0
    refunds: int = 0
    flagged: int = 0
    notices: int = 0


def _settlement(
    order: Order, answer: OrderStatusResult | ProviderRefused, factor: Decimal
) -> Settlement | None:
    """What the answer settles the order in, or None for one that must not move it: a refusal, a
    status we cannot read, or a Partial without its undelivered share (`remains`, or a package's
    `charge`). Partial is final and refunds what was not delivered; without the count any refund
    would be a guess (a remains from an earlier poll is stale and refunds too much), so the order
    waits for a readable answer, and an admin is told if none comes."""
    if isinstance(answer, ProviderRefused) or answer.status is None:
        return None
    # What the provider billed before any refund: its charge on an earlier poll, never less than the
    # service's cost. A final order may be answered with an earlier status again, after its refund
    # (the chaos run's contradictions): on a first readable answer that charge is not the whole.
    listed = order.service_cost * factor  # type: ignore[attr-defined]
    billed_first = listed if order.cost is None else max(order.cost, listed)
    return order_settlement(
        order=order,
        service_type=ServiceType(order.service_type),  # type: ignore[attr-defined]
        answer=answer,
        billed_first=billed_first,
        factor=factor,
    )


def _out_of_bounds(answer: OrderStatusResult | ProviderRefused, factor: Decimal) -> str | None:
    """Why `answer` cannot be stored: a number out of its column's bounds (the client's reading, or
    the charge in our currency), which would fail the chunk's write every round."""
    if isinstance(answer, ProviderRefused):
        return None
    if answer.problem is not None:
        return answer.problem
    if answer.charge is not None and answer.charge * factor > MAX_AMOUNT:
        return f"charge {answer.charge} (times {factor}) out of bounds"
    return None


def orders_apply_statuses(
    *, answers: dict[int, OrderStatusResult | ProviderRefused], factor: Decimal = Decimal(1)
) -> Applied:
    """Apply the provider's answers (keyed by our order id) in one transaction, in fixed queries."""
    applied = Applied()
    now = timezone.now()
    with transaction.atomic():
        # The service's type and cost ride along in the same query; only the orders are locked.
        orders = list(
            Order.objects.select_for_update(of=("self",))
            .filter(pk__in=list(answers))
            .annotate(
                service_type=F("service__type"),
                # The cost of the service that took the order: its backup's after a failover.
                service_cost=Coalesce("served_by__provider_rate", "service__provider_rate"),
            )
            .order_by("pk")
        )
        events: list[OrderEvent] = []
        refunds: list[tuple[Order, Decimal, str]] = []
        changes: list[OrderStatusChange] = []
        for order in orders:
            answer = answers[order.pk]
            order.last_checked_at = now
            if order.status in FINAL:
                continue  # a late, repeated or contradictory answer: final is final
            problem = _out_of_bounds(answer, factor)
            if problem is not None:
                # Nothing of it is applied (its status neither); the rest of the chunk is.
                if not order.flagged:
                    order.flagged = True
                    applied.flagged += 1
                    events.append(
                        OrderEvent(order=order, message=f"Flagged: the provider answered {problem}"[:500])
                    )
                continue
            settlement = _settlement(order, answer, factor)
            if settlement is None:
                order.unknown_polls += 1
                if order.unknown_polls >= FLAG_AFTER_UNKNOWN_POLLS and not order.flagged:
                    order.flagged = True
                    applied.flagged += 1
                    what = (
                        answer.message[:300]
                        if isinstance(answer, ProviderRefused)
                        else f"status {answer.raw_status[:100]!r}"
                        + (" without remains" if answer.status == OrderStatus.PARTIAL else "")
                    )
                    events.append(
                        OrderEvent(order=order, message=f"Flagged: the provider keeps answering {what}")
                    )
                continue
            order.unknown_polls = 0
            previous = order.status
            if _apply_one(order, answer, settlement, factor, events, refunds, now=now):
                order.updated_at = now  # _write_back skips auto_now; the admin and the history read it
                applied.changed += 1
                changes.append(OrderStatusChange(order=order, previous_status=previous))
        _write_back(orders)
        if refunds:
            ledger_refund_many(refunds=refunds)
            applied.refunds = len(refunds)
        OrderEvent.objects.bulk_create(events)
        # Two queries at most, no network: the deliveries are sent by a task once this commits.
        webhook_events_record(changes=changes)
        # One query, none without a final order; sent by the caller (a round: once it is over).
        applied.notices = notices_record_orders(
            orders=[change.order for change in changes if change.order.status in FINAL], send=False
        )
        _release_links_of(orders=[change.order for change in changes if change.order.status in FINAL])
    return applied


def _release_links_of(*, orders: list[Order]) -> None:
    """The next waiting order on each link these orders, final now, held: queued, sent on commit."""
    from orders.tasks import submit_order

    links = [(order.service_id, order.link) for order in orders if order.link]
    if not links:
        return
    released = orders_release_waiting(links=links)

    def queue() -> None:
        for order_id in released:
            submit_order.delay(order_id)

    if released:
        transaction.on_commit(queue)


# What applying an answer may change on an order, written back in one statement per chunk.
_WRITTEN = (
    "status", "start_count", "remains", "runs_done", "cost", "last_checked_at", "unknown_polls", "flagged",
    "cancel_state", "updated_at", "completed_at",
)  # fmt: skip


def _write_back(orders: list[Order]) -> None:
    """Saves the `_WRITTEN` fields of `orders` in one UPDATE ... FROM unnest(<one array per column>).

    Not bulk_update: it builds a CASE per field and row, which costs Django about 0.4 s of CPU per
    chunk of 100 orders (most of a poll round's time). One array per column keeps the statement
    short and the same for every chunk, so psycopg parses it once.
    """
    if not orders:
        return
    fields = [field for field in Order._meta.concrete_fields if field.name in _WRITTEN]
    quote = connection.ops.quote_name
    arrays: list[list[Any]] = [[order.pk for order in orders]]
    arrays += [
        [field.get_db_prep_save(getattr(order, field.attname), connection) for order in orders]
        for field in fields
    ]
    columns = [quote(field.column) for field in fields]
    casts = ", ".join(["%s::bigint[]", *(f"%s::{field.db_type(connection)}[]" for field in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Order._meta.db_table)} AS t "  # noqa: S608 (our own names)
            f"SET {', '.join(f'{column} = v.{column}' for column in columns)} "
            f"FROM unnest({casts}) AS v(id, {', '.join(columns)}) WHERE t.id = v.id",
            arrays,
        )


def _apply_one(
    order: Order,
    answer: OrderStatusResult,
    settlement: Settlement,
    factor: Decimal,
    events: list[OrderEvent],
    refunds: list[tuple[Order, Decimal, str]],
    *,
    now: datetime,
) -> bool:
    """Apply one readable answer to `order`; True when its status moved."""
    if answer.start_count is not None:
        order.start_count = answer.start_count
    if answer.remains is not None:
        order.remains = min(answer.remains, order.quantity)
    if answer.runs_done is not None:
        order.runs_done = answer.runs_done
    status = settlement.status
    if answer.charge is not None:
        cost = (answer.charge * factor).quantize(AMOUNT_QUANTUM)
        # A provider refunds only with a final status: a lower charge before one is an earlier
        # status read again after the refund, and would shrink the whole a package's share is of.
        if status in FINAL or order.cost is None or cost > order.cost:
            order.cost = cost
    if status == order.status:
        return False
    previous, order.status = order.status, status
    if status == OrderStatus.COMPLETED:
        order.completed_at = now  # the service's average time counts from placement to here
    events.append(OrderEvent(order=order, message=f"{previous} → {status}", shown=OrderStatus(status).label))
    # A cancel carried out in part ends Partial (what was delivered stays delivered); only an
    # order that completed anyway tells us the provider did not act on the accepted cancel.
    if status == OrderStatus.COMPLETED and order.cancel_state == CancelState.SENT:
        order.cancel_state = CancelState.REFUSED
        events.append(OrderEvent(order=order, message="Cancel not carried out", shown=SHOWN_CANCEL_NOT_DONE))
    amount = settlement.refund
    if amount > 0:
        currency = settings.PANEL_CURRENCY
        refunds.append((order, amount, f"{status}: {order.remains or 0} of {order.quantity} not delivered"))
        events.append(OrderEvent(order=order, message=f"Refunded {amount} {currency}"))
    return True


def orders_poll_all(providers: Iterable[Provider] | None = None) -> dict[str, PollReport | None]:
    providers = Provider.objects.filter(is_active=True) if providers is None else providers
    return {provider.name: orders_poll(provider=provider) for provider in providers}
