"""An idempotency key places its order once: the same request again gets the first order and
pays nothing more, another request with the key is refused, a refused request leaves the key free,
and keys are each customer's own and forgotten after IDEMPOTENCY_KEY_HOURS."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from billing.audit import ledger_audit
from billing.models import Balance, LedgerEntry
from orders.errors import IDEMPOTENCY_KEY_REUSED, NOT_ENOUGH_FUNDS, OrderRefused
from orders.models import IdempotencyKey, Order
from orders.services.idempotency import idempotency_keys_purge, order_place_idempotent
from orders.tasks import purge_idempotency_keys


@pytest.fixture
def place(default_service, django_capture_on_commit_callbacks):
    def place(customer, key: str, *, link: str = "https://instagram.com/p/same", quantity: int | None = None):
        params = {"link": link, "quantity": str(quantity or default_service.min_quantity)}
        with django_capture_on_commit_callbacks(execute=False):
            return order_place_idempotent(
                customer=customer, service_id=default_service.pk, params=params, key=key
            )

    return place


def _money(customer) -> tuple[Decimal, int]:
    return Balance.objects.get(customer=customer).amount, LedgerEntry.objects.filter(
        customer=customer
    ).count()


def test_the_same_key_and_request_again_answers_the_first_order_and_charges_once(make_customer, place):
    customer = make_customer("100")
    first, replayed = place(customer, "order-1")
    assert not replayed
    after_first = _money(customer)

    again, replayed = place(customer, "order-1")

    assert replayed
    assert again.pk == first.pk
    assert _money(customer) == after_first
    assert Order.objects.filter(customer=customer).count() == 1
    assert ledger_audit() == []


def test_the_same_key_with_another_request_is_refused_and_changes_nothing(make_customer, place):
    customer = make_customer("100")
    place(customer, "order-1")
    before = _money(customer)

    with pytest.raises(OrderRefused) as refused:
        place(customer, "order-1", link="https://instagram.com/p/other")

    assert refused.value.message == IDEMPOTENCY_KEY_REUSED
    assert refused.value.field == "idempotency_key"
    assert _money(customer) == before
    assert Order.objects.filter(customer=customer).count() == 1


def test_a_refused_request_leaves_its_key_free_for_a_retry(make_customer, place, default_service):
    customer = make_customer("0")
    with pytest.raises(OrderRefused) as refused:
        place(customer, "retry-me")
    assert refused.value.message == NOT_ENOUGH_FUNDS
    assert not IdempotencyKey.objects.filter(customer=customer).exists()

    from billing.services import ledger_deposit

    ledger_deposit(customer=customer, amount=Decimal("100"), created_by=None, reason="top-up")
    order, replayed = place(customer, "retry-me")
    assert not replayed
    assert order.customer_id == customer.pk


def test_two_customers_may_use_the_same_key(make_customer, place):
    alice, bob = make_customer("100"), make_customer("100")
    alices, _ = place(alice, "shared", link="https://instagram.com/p/alice")
    bobs, replayed = place(bob, "shared", link="https://instagram.com/p/bob")
    assert not replayed
    assert {alices.customer_id, bobs.customer_id} == {alice.pk, bob.pk}


@pytest.mark.parametrize(
    ("key", "why"),
    [("", "is empty"), ("   ", "is empty"), ("k" * 256, "longer than 255"), ("a\nb", "control characters")],
)
def test_a_malformed_key_is_refused_and_changes_nothing(make_customer, place, key, why):
    customer = make_customer("100")
    before = _money(customer)
    with pytest.raises(OrderRefused) as refused:
        place(customer, key)
    assert why in refused.value.message
    assert refused.value.field == "idempotency_key"
    assert _money(customer) == before
    assert not Order.objects.filter(customer=customer).exists()


def test_keys_are_kept_for_the_configured_hours_then_purged(make_customer, place, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 24
    customer = make_customer("100")
    place(customer, "old", link="https://instagram.com/p/old")
    place(customer, "recent", link="https://instagram.com/p/recent")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    IdempotencyKey.objects.filter(key="recent").update(created_at=timezone.now() - timedelta(hours=23))

    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]


def test_beat_runs_the_purge_task_every_hour(db):
    schedule = PeriodicTask.objects.get(name="orders: purge old idempotency keys")
    assert schedule.enabled and schedule.task == purge_idempotency_keys.name
    assert (schedule.interval.every, schedule.interval.period) == (3600, "seconds")


def test_the_purge_task_purges(make_customer, place, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 24
    place(make_customer("100"), "old", link="https://instagram.com/p/old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))

    purge_idempotency_keys()

    assert not IdempotencyKey.objects.exists()
