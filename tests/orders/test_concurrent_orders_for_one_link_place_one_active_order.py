"""Orders for one service and link at once: the one-active-order-per-link rule holds under
concurrency (the advisory lock, then the check inside the INSERT). One customer's ten requests place
exactly one order and the others are refused with nothing moved; ten customers' requests are all
placed and charged, exactly one queued for the provider and the others waiting for the link."""

from functools import partial

import pytest

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from orders.errors import ACTIVE_ORDER_WITH_LINK
from orders.models import Order, Submission
from tests.racing import placed_or_refusal, race

THREADS = 10


@pytest.fixture
def contended(default_service, settings) -> dict:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.ORDERS_ALLOW_DUPLICATE_LINKS = False
    return {"link": "https://example.com/p/contended", "quantity": str(default_service.min_quantity)}


@pytest.mark.django_db(transaction=True)
def test_one_customers_concurrent_orders_for_one_link_place_exactly_one(
    make_customer, default_service, contended
):
    customer = make_customer("1000")
    order = partial(placed_or_refusal, customer=customer, service_id=default_service.pk, params=contended)
    outcomes = race([order] * THREADS)

    assert sorted(outcomes) == sorted(["placed"] + [ACTIVE_ORDER_WITH_LINK] * (THREADS - 1)), outcomes
    assert Order.objects.filter(service=default_service, link=contended["link"]).count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.CHARGE).count() == 1
    assert ledger_audit() == []


@pytest.mark.django_db(transaction=True)
def test_ten_customers_concurrent_orders_for_one_link_queue_exactly_one_and_the_rest_wait(
    make_customer, default_service, contended
):
    customers = [make_customer("1000") for _ in range(THREADS)]
    order = partial(placed_or_refusal, service_id=default_service.pk, params=contended)
    outcomes = race([partial(order, customer=customer) for customer in customers])

    assert outcomes == ["placed"] * THREADS, outcomes
    submissions = list(
        Order.objects.filter(service=default_service, link=contended["link"]).values_list(
            "submission", flat=True
        )
    )
    assert sorted(submissions) == sorted([Submission.QUEUED] + [Submission.WAITING] * (THREADS - 1))
    assert LedgerEntry.objects.filter(kind=EntryKind.CHARGE).count() == THREADS
    assert ledger_audit() == []
