"""Cancel and refill requests: asked by a customer, forwarded in bulk, settled through polling."""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orders.errors import (
    CANCEL_ALREADY_REQUESTED,
    CANCEL_WHILE_SENDING,
    INCORRECT_ORDER,
    REFILL_NOT_FOUND,
    OrderRefused,
)
from orders.models import (
    FINAL,
    SHOWN_CANCEL_REFUSED,
    SHOWN_CANCEL_REQUESTED,
    CancelState,
    Order,
    OrderEvent,
    Refill,
    Submission,
)
from orders.selectors import order_cancel_refusal, order_refill_refusal, refills_of
from orders.services.by_hand import manual_order_cancel_by_customer
from orders.services.operations import order_reject_and_refund
from orders.services.polling import BACKGROUND_SHARE
from provider.calls import Job, ProviderCalls
from provider.client import MAX_IDS_PER_CALL, ProviderClient, ProviderError, ProviderRefused
from provider.models import Provider
from provider.services import provider_client
from provider.statuses import FINAL_REFILL_STATUSES, RefillStatus
from webhooks.services import RefillStatusChange, webhook_events_record

log = logging.getLogger(__name__)


def _customer_order(customer, order_id) -> Order:
    try:
        pk = int(str(order_id).strip())
    except (TypeError, ValueError):
        raise OrderRefused(INCORRECT_ORDER, field="order") from None
    order = Order.objects.select_related("service").filter(pk=pk, customer=customer).first()
    if order is None:
        raise OrderRefused(INCORRECT_ORDER, field="order")
    return order


def order_request_cancel(*, customer, order_id, staff=None) -> Order:
    """Ask for a cancel, as the customer or as `staff` for them (a support ticket). A queued (or
    waiting) order, or a manual one staff have not started, is canceled and refunded at once; a
    sent one is forwarded."""
    order = _customer_order(customer, order_id)
    if refusal := order_cancel_refusal(order):
        raise OrderRefused(refusal)
    if order.submission == Submission.MANUAL:
        return manual_order_cancel_by_customer(order_id=order.pk, customer=customer, actor=staff)
    asker = _asker(staff)
    # Not sent yet: take it back before a worker claims it (its own transaction). A waiting order
    # may have been queued meanwhile (its link freed): either way it is not at the provider.
    if order_reject_and_refund(
        order=order,
        from_submissions=[Submission.WAITING, Submission.QUEUED],
        error="Canceled before sending",
        refund_reason="Canceled before it was sent",
        event=f"Canceled by {asker} before sending; refunded",
    ):
        return order
    with transaction.atomic():
        updated = (
            Order.objects.filter(pk=order.pk, submission=Submission.SENT, cancel_state=CancelState.NONE)
            .exclude(status__in=FINAL)
            .update(cancel_state=CancelState.REQUESTED)
        )
        if not updated:
            # Claimed by a worker between our read and the update: its `add` is under way.
            if Order.objects.filter(pk=order.pk, submission=Submission.SENDING).exists():
                raise OrderRefused(CANCEL_WHILE_SENDING)
            raise OrderRefused(CANCEL_ALREADY_REQUESTED)
        OrderEvent.objects.create(
            order=order, message=f"Cancel requested by {asker}", shown=SHOWN_CANCEL_REQUESTED, actor=staff
        )
    order.refresh_from_db()
    return order


def order_request_refill(*, customer, order_id, staff=None) -> Refill:
    """Ask for a refill, as the customer or as `staff` for them (a support ticket)."""
    order = _customer_order(customer, order_id)
    if refusal := order_refill_refusal(order, refill_open=False):  # told under the lock below
        raise OrderRefused(refusal)
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=order.pk).first()
        refill_open = order.refills.exclude(status__in=FINAL_REFILL_STATUSES).exists()
        if refusal := order_refill_refusal(order, refill_open=refill_open):
            raise OrderRefused(refusal)
        refill = Refill.objects.create(order=order)
        OrderEvent.objects.create(
            order=order, message=f"Refill {refill.pk} requested by {_asker(staff)}", actor=staff
        )
    return refill


def _asker(staff) -> str:
    return "the customer" if staff is None else f"staff ({staff.email}) for the customer"


def customer_refill(*, customer, refill_id) -> Refill:
    try:
        pk = int(str(refill_id).strip())
    except (TypeError, ValueError):
        raise OrderRefused(REFILL_NOT_FOUND, field="refill") from None
    refill = refills_of(customer).filter(pk=pk).first()
    if refill is None:
        raise OrderRefused(REFILL_NOT_FOUND, field="refill")
    return refill


@dataclass
class ForwardReport:
    sent: int = 0
    refused: int = 0
    failed_calls: int = 0


def _run_chunks(
    rows: Iterable[tuple[int, int, Any]],
    call: Callable[[ProviderClient, list[Any]], dict[Any, Any]],
    apply: Callable[[Provider, dict[Any, int], Any], None],
) -> None:
    """From (provider id, our id, the provider's id) rows: for each provider, `call` on chunks of up
    to 100 of its ids, several at once (provider.calls), and `apply(provider, {the provider's id: our
    id}, the answers or a ProviderError)` here, in its own transaction, as each answer comes back."""
    by_provider: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for provider_id, pk, remote_id in rows:
        by_provider[provider_id].append((pk, remote_id))
    for provider in Provider.objects.filter(pk__in=list(by_provider)):
        client = provider_client(provider)
        items = by_provider[provider.pk]
        chunks = deque(
            {remote_id: pk for pk, remote_id in items[start : start + MAX_IDS_PER_CALL]}
            for start in range(0, len(items), MAX_IDS_PER_CALL)
        )

        def next_jobs(_: int, chunks=chunks, client=client, provider=provider) -> list[Job]:
            if not chunks:
                return []
            ours = chunks.popleft()
            return [Job(call=partial(call, client, list(ours)), done=partial(apply, provider, ours))]

        ProviderCalls(provider, share=BACKGROUND_SHARE).run(next_jobs, expected=len(chunks))


def cancels_send() -> ForwardReport:
    """Forward requested cancels, 100 a call per provider. The outcome comes back through polling."""
    report = ForwardReport()
    pending = Order.objects.filter(
        cancel_state=CancelState.REQUESTED, submission=Submission.SENT
    ).values_list("provider_id", "pk", "provider_order_id")

    def apply(provider: Provider, ours: dict[Any, int], answers: Any) -> None:
        if isinstance(answers, ProviderError):
            # `cancel` may have reached the provider; asking again later is harmless.
            report.failed_calls += 1
            log.warning("provider %s: cancels not forwarded: %s", provider.name, answers)
            return
        answers = {ours[pid]: answer for pid, answer in answers.items() if pid in ours}
        accepted = [pk for pk, answer in answers.items() if answer is True]
        refused = {pk: answer for pk, answer in answers.items() if isinstance(answer, ProviderRefused)}
        now = timezone.now()  # update() skips auto_now
        with transaction.atomic():
            Order.objects.filter(pk__in=accepted, cancel_state=CancelState.REQUESTED).update(
                cancel_state=CancelState.SENT, updated_at=now
            )
            Order.objects.filter(pk__in=list(refused), cancel_state=CancelState.REQUESTED).update(
                cancel_state=CancelState.REFUSED, updated_at=now
            )
            events = [OrderEvent(order_id=pk, message="Cancel forwarded to the provider") for pk in accepted]
            for pk, refusal in refused.items():
                events.append(
                    OrderEvent(
                        order_id=pk, message=f"Cancel refused: {refusal.message}", shown=SHOWN_CANCEL_REFUSED
                    )
                )
            OrderEvent.objects.bulk_create(events)
        report.sent += len(accepted)
        report.refused += len(refused)

    _run_chunks(pending, ProviderClient.cancel, apply)
    return report


def _locked_refills(ours: dict[Any, int]) -> list[Refill]:
    return list(Refill.objects.select_for_update().filter(pk__in=list(ours.values())).order_by("pk"))


def refills_send() -> ForwardReport:
    """Forward queued refills, 100 a call per provider."""
    report = ForwardReport()
    queued = Refill.objects.filter(submission=Submission.QUEUED).values_list(
        "order__provider_id", "pk", "order__provider_order_id"
    )

    def apply(provider: Provider, ours: dict[Any, int], answers: Any) -> None:
        if isinstance(answers, ProviderError):
            report.failed_calls += 1
            log.warning("provider %s: refills not forwarded: %s", provider.name, answers)
            return
        with transaction.atomic():
            refills = _locked_refills(ours)
            by_pk = {refill.pk: refill for refill in refills}
            changes = []
            for provider_order_id, answer in answers.items():
                refill = by_pk.get(ours.get(provider_order_id))
                if refill is None or refill.submission != Submission.QUEUED:
                    continue
                if isinstance(answer, ProviderRefused):
                    changes.append(RefillStatusChange(refill=refill, previous_status=refill.status))
                    refill.submission, refill.status = Submission.REJECTED, RefillStatus.REJECTED
                    refill.error = answer.message
                    report.refused += 1
                else:
                    refill.submission, refill.provider_refill_id = Submission.SENT, str(answer)
                    report.sent += 1
            Refill.objects.bulk_update(refills, ["submission", "status", "error", "provider_refill_id"])
            webhook_events_record(changes=changes)

    _run_chunks(queued, ProviderClient.refills, apply)
    return report


def refills_poll() -> int:
    """Read the status of forwarded, unfinished refills, 100 a call. Returns how many changed."""
    open_refills = Refill.objects.filter(submission=Submission.SENT).exclude(status__in=FINAL_REFILL_STATUSES)
    rows = open_refills.order_by(F("last_checked_at").asc(nulls_first=True), "pk").values_list(
        "order__provider_id", "pk", "provider_refill_id"
    )
    changed = 0

    def apply(provider: Provider, ours: dict[Any, int], answers: Any) -> None:
        nonlocal changed
        if isinstance(answers, ProviderError):
            log.warning("provider %s: refill statuses not read: %s", provider.name, answers)
            return
        now = timezone.now()
        with transaction.atomic():
            refills = _locked_refills(ours)
            by_pk = {refill.pk: refill for refill in refills}
            changes = []
            for provider_refill_id, answer in answers.items():
                refill = by_pk.get(ours.get(str(provider_refill_id)))
                if refill is None or refill.status in FINAL_REFILL_STATUSES:
                    continue
                status = None if isinstance(answer, ProviderRefused) else answer.status
                if status and status != refill.status:
                    changes.append(RefillStatusChange(refill=refill, previous_status=refill.status))
                    refill.status = status
                    changed += 1
            for refill in refills:
                refill.last_checked_at = now
            Refill.objects.bulk_update(refills, ["status", "last_checked_at"])
            webhook_events_record(changes=changes)

    _run_chunks(rows, ProviderClient.refill_statuses, apply)
    return changed
