"""Two workers claiming at once, each on its own database connection, never take the same delivery:
a worker skips the rows another one is claiming and takes the next due ones instead of waiting.
Nor does staff's "retry now" hand a delivery a worker has just leased to another one."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from tests.waiting import wait_for
from webhooks.models import WebhookDelivery
from webhooks.services import delivery as sending
from webhooks.services.delivery import _claim_batch, webhook_deliveries_retry


def _in_thread(work: Callable[[], None]) -> threading.Thread:
    """`work` on a connection of its own (Django's are per thread), closed when it is done."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def due(make_customer, receiver, make_endpoint) -> Callable[[int], set[int]]:
    endpoint = make_endpoint(make_customer(), receiver)

    def make(count: int) -> set[int]:
        rows = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(endpoint=endpoint, event_type="webhook.test", payload={}) for _ in range(count)
        )
        return {row.pk for row in rows}

    return make


@pytest.mark.django_db(transaction=True)
def test_a_claim_made_while_another_is_uncommitted_takes_the_next_deliveries(due, monkeypatch):
    monkeypatch.setattr(sending, "BATCH", 3)
    ids = due(7)
    first: list[WebhookDelivery] = []
    holding, release = threading.Event(), threading.Event()

    def claim_and_hold() -> None:
        with transaction.atomic():  # its locks and its lease stay uncommitted until release
            first.extend(_claim_batch(None))
            holding.set()
            release.wait(timeout=10)

    thread = _in_thread(claim_and_hold)
    assert holding.wait(timeout=10)
    second = _claim_batch(None)
    release.set()
    thread.join(timeout=30)
    third = _claim_batch(None)

    taken = [{delivery.pk for delivery in claim} for claim in (first, second, third)]
    assert [len(claim) for claim in taken] == [3, 3, 1]
    assert taken[0] | taken[1] | taken[2] == ids
    assert _claim_batch(None) == []


@pytest.mark.django_db(transaction=True)
def test_four_workers_claiming_in_a_loop_take_every_delivery_once(due, monkeypatch):
    monkeypatch.setattr(sending, "BATCH", 5)
    ids = due(200)
    claims: list[list[int]] = [[] for _ in range(4)]
    start = threading.Barrier(4)

    def claim_until_none(mine: list[int]) -> None:
        start.wait(timeout=10)
        while claimed := _claim_batch(None):
            mine += [delivery.pk for delivery in claimed]

    for thread in [_in_thread(lambda mine=mine: claim_until_none(mine)) for mine in claims]:
        thread.join(timeout=30)

    every = [pk for mine in claims for pk in mine]
    assert sorted(every) == sorted(ids)  # each one once


def _a_lock_is_awaited() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted)")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_retry_now_that_waited_on_a_claim_leaves_the_delivery_it_leased(due):
    # A worker locks a delivery to claim it; staff's "retry now" starts and waits for the lock;
    # the worker leases the delivery and commits. The delivery is being posted: making it due
    # again would have another worker post it a second time.
    [pk] = due(1)
    locked, leased = threading.Event(), []

    def claim_while_retry_waits() -> None:
        with transaction.atomic():
            WebhookDelivery.objects.select_for_update().get(pk=pk)
            locked.set()
            wait_for(_a_lock_is_awaited, timeout=10, what='"retry now" waiting for the lock')
            leased.extend(delivery.pk for delivery in _claim_batch(None))

    thread = _in_thread(claim_while_retry_waits)
    assert locked.wait(timeout=10)
    retried = webhook_deliveries_retry(ids=[pk])
    thread.join(timeout=30)

    assert leased == [pk]
    assert retried == 0
    assert _claim_batch(None) == []  # still leased to the first worker
