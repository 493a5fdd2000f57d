"""Sending deliveries, in Celery: claimed a batch at a time, posted in threads without the database,
their outcomes written back; an endpoint that keeps failing is disabled and its owner told.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from panel.emails import customer_email_send
from webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from webhooks.sending import Outcome, post, session_open
from webhooks.services.endpoints import endpoint_disable
from webhooks.services.recording import send_on_commit

log = logging.getLogger("webhooks.services")

# Waits after the 1st, 2nd... failed attempt; past the list, the last one again.
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
]
# A claimed delivery is not due again before this: longer than a task may live
# (CELERY_TASK_TIME_LIMIT), so no second worker sends it while the first may still be at it.
LEASE = timedelta(minutes=10)
# Deliveries claimed at a time, and endpoints posted to at once (one thread each).
BATCH = 50
SENDERS = 8
# A run stops claiming after this, well within the task's soft time limit; beat does the rest.
RUN_SECONDS = 120


@dataclass
class SendReport:
    delivered: int = 0
    failed_attempts: int = 0
    given_up: int = 0  # deliveries whose last attempt failed
    disabled: int = 0  # endpoints disabled for failing


def _backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt, give or take a tenth (so that the retries
    of an outage's deliveries do not all come back at the same second)."""
    base = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    return base * random.uniform(0.9, 1.1)


def _claim_batch(ids: Sequence[int] | None) -> list[WebhookDelivery]:
    """Up to BATCH due deliveries, each claimed by moving its next_attempt_at past the LEASE.

    One transaction: the due rows are locked, skipping those another worker is claiming (it takes
    them; this one takes the next ones), then leased in one UPDATE. The lease's end is the claim's
    token: an outcome is written back only to a delivery that still has it (_record).
    """
    now = timezone.now()
    due = WebhookDelivery.objects.filter(
        state=DeliveryState.PENDING, next_attempt_at__lte=now, endpoint__disabled_at__isnull=True
    )
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    lease_until = now + LEASE
    with transaction.atomic():
        claimed = list(
            due.select_related("endpoint")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at", "pk")[:BATCH]
        )
        if claimed:
            WebhookDelivery.objects.filter(pk__in=[delivery.pk for delivery in claimed]).update(
                next_attempt_at=lease_until
            )
    for delivery in claimed:
        delivery.next_attempt_at = lease_until
    return claimed


Tried = list[tuple[WebhookDelivery, Outcome | None]]


def _post_group(deliveries: list[WebhookDelivery]) -> Tried:
    """One endpoint's deliveries in order, in a thread, without the database. After a failure the
    rest are not tried (None): a receiver that is down is not hit once per delivery."""
    tried: Tried = []
    failed = False
    with session_open() as session:
        for delivery in deliveries:
            if failed:
                tried.append((delivery, None))
                continue
            endpoint = delivery.endpoint
            outcome = post(
                session,
                url=endpoint.url,
                secret=endpoint.secret,
                event_id=str(delivery.event_id),
                payload=delivery.payload,
            )
            tried.append((delivery, outcome))
            failed = not outcome.delivered
    return tried


def _post_all(claimed: list[WebhookDelivery]) -> list[Tried]:
    groups: dict[int, list[WebhookDelivery]] = defaultdict(list)
    for delivery in sorted(claimed, key=lambda delivery: delivery.pk):
        groups[delivery.endpoint_id].append(delivery)
    with ThreadPoolExecutor(max_workers=min(SENDERS, len(groups))) as pool:
        return list(pool.map(_post_group, groups.values()))


def _record(tried: Tried, report: SendReport) -> None:
    """Write one endpoint's outcomes back, each only if the delivery is still ours (our lease)."""
    now = timezone.now()
    retry_at = now
    for delivery, outcome in tried:
        ours = WebhookDelivery.objects.filter(
            pk=delivery.pk, state=DeliveryState.PENDING, next_attempt_at=delivery.next_attempt_at
        )
        if outcome is None:
            # Not tried because the one before it failed: it waits as long as that one.
            ours.update(next_attempt_at=retry_at)
            continue
        attempts = delivery.attempts + 1
        fields: dict[str, Any] = {
            "attempts": attempts,
            "last_attempt_at": now,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
        }
        if outcome.delivered:
            fields.update(state=DeliveryState.DELIVERED, next_attempt_at=None)
            report.delivered += 1
        else:
            report.failed_attempts += 1
            # The ones held back after it wait this long too, even when this one gives up.
            retry_at = now + _backoff(attempts)
            if attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
                fields.update(state=DeliveryState.FAILED, next_attempt_at=None)
                report.given_up += 1
            else:
                fields.update(next_attempt_at=retry_at)
        ours.update(**fields)
    outcomes = [outcome for _, outcome in tried if outcome is not None]
    _endpoint_track_failures(outcomes, tried[0][0].endpoint, report)


def _endpoint_track_failures(outcomes: list[Outcome], endpoint: WebhookEndpoint, report: SendReport) -> None:
    """Keep the endpoint's run of failures, and disable it when the run is long enough in both
    attempts and time (a short outage with much traffic is not a reason)."""
    if not outcomes:
        return
    endpoint_row = WebhookEndpoint.objects.filter(pk=endpoint.pk)
    if outcomes[-1].delivered:
        if endpoint.consecutive_failures:
            endpoint_row.update(consecutive_failures=0, failing_since=None)
        return
    now = timezone.now()
    if len(outcomes) > 1:  # it succeeded just before: the run starts again
        endpoint_row.update(consecutive_failures=1, failing_since=now)
    else:
        endpoint_row.update(
            consecutive_failures=F("consecutive_failures") + 1,
            failing_since=Coalesce("failing_since", Value(now)),
        )
    if endpoint_disable(
        endpoint_id=endpoint.pk,
        reason=f"Deliveries kept failing; the last one: {outcomes[-1].error}"[:300],
        consecutive_failures__gte=settings.WEBHOOKS_DISABLE_AFTER_FAILURES,
        failing_since__lte=now - timedelta(hours=settings.WEBHOOKS_DISABLE_AFTER_HOURS),
    ):
        report.disabled += 1
        _tell_customer_disabled(endpoint_id=endpoint.pk)


def webhook_deliveries_send(*, ids: Sequence[int] | None = None) -> SendReport:
    """Send the due deliveries (among `ids` when given), BATCH at a time, for up to RUN_SECONDS."""
    report = SendReport()
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        claimed = _claim_batch(ids)
        if not claimed:
            break
        for tried in _post_all(claimed):
            _record(tried, report)
    return report


def _tell_customer_disabled(*, endpoint_id: int) -> None:
    endpoint = WebhookEndpoint.objects.select_related("customer").filter(pk=endpoint_id).first()
    if endpoint is None:  # the customer deleted it meanwhile: nobody to tell
        return
    try:
        customer_email_send(
            to=endpoint.customer.email,
            subject="Your webhook endpoint was disabled",
            body=f"We stopped sending webhooks to {endpoint.url}: {endpoint.disabled_reason}\n\n"
            "Fix the receiver, then enable the endpoint again on the API page of your account.\n",
        )
    except Exception:  # the endpoint is disabled either way; the page says so
        log.exception("webhook endpoint %s: the customer could not be told it was disabled", endpoint_id)


def webhook_deliveries_retry(*, ids: Sequence[int]) -> int:
    """Staff's "retry now": the undelivered ones among `ids`, of active endpoints, are sent at once
    (a failed one gets one more attempt). Returns how many were queued.

    A pending delivery whose next attempt lies within the LEASE may be one a worker claimed and
    is posting: it is left alone (it is sent or retried within the lease anyway). The rows are
    locked first, and a worker's claim skips them until this commits; the clock is read once they
    are locked, so that a claim committed meanwhile shows as a lease, not as a back-off.
    """
    with transaction.atomic():
        undelivered = list(
            WebhookDelivery.objects.select_for_update(of=("self",))
            .filter(
                state__in=[DeliveryState.FAILED, DeliveryState.PENDING],
                pk__in=list(ids),
                endpoint__disabled_at__isnull=True,
            )
            .values_list("pk", "state", "next_attempt_at")
        )
        now = timezone.now()
        retried = [
            pk
            for pk, state, next_attempt_at in undelivered
            if state == DeliveryState.FAILED
            or (next_attempt_at is not None and not now < next_attempt_at <= now + LEASE)
        ]
        WebhookDelivery.objects.filter(pk__in=retried).update(
            state=DeliveryState.PENDING, next_attempt_at=now
        )
        if retried:
            send_on_commit(retried)
    return len(retried)


def webhook_deliveries_purge() -> int:
    """Delete delivered and failed deliveries older than WEBHOOKS_KEEP_DAYS; returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    deleted, _ = (
        WebhookDelivery.objects.filter(created_at__lt=cutoff).exclude(state=DeliveryState.PENDING).delete()
    )
    return deleted
