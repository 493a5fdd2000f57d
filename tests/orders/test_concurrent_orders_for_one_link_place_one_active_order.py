"""Ten customers order the same service for the same link at once: the one-active-order-per-link rule
holds under concurrency (the advisory lock, then the check inside the INSERT), so exactly one order
is placed and charged and every other request is refused with nothing moved."""

from functools import partial

import pytest

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from orders.errors import ACTIVE_ORDER_WITH_LINK
from orders.models import Order
from tests.racing import placed_or_refusal, race

THREADS = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_for_one_link_place_exactly_one(make_customer, default_service, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.ORDERS_ALLOW_DUPLICATE_LINKS = False
    customers = [make_customer("1000") for _ in range(THREADS)]
    params = {"link": "https://example.com/p/contended", "quantity": str(default_service.min_quantity)}

    order = partial(placed_or_refusal, service_id=default_service.pk, params=params)
    outcomes = race([partial(order, customer=customer) for customer in customers])

    assert sorted(outcomes) == sorted(["placed"] + [ACTIVE_ORDER_WITH_LINK] * (THREADS - 1)), outcomes
    assert Order.objects.filter(service=default_service, link=params["link"]).count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.CHARGE).count() == 1
    assert ledger_audit() == []
