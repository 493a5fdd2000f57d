"""Ten customers order the same service for the same link at once: the one-active-order-per-link rule
holds under concurrency (the advisory lock, then the check inside the INSERT), so exactly one order
is placed and charged and every other request is refused with nothing moved."""

import threading

import pytest
from django.db import connection

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from orders.errors import ACTIVE_ORDER_WITH_LINK, OrderRefused
from orders.models import Order
from orders.services.placing import order_place

THREADS = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_for_one_link_place_exactly_one(make_customer, default_service, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.ORDERS_ALLOW_DUPLICATE_LINKS = False
    customers = [make_customer("1000") for _ in range(THREADS)]
    params = {"link": "https://example.com/p/contended", "quantity": str(default_service.min_quantity)}
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def send(customer) -> None:
        try:
            barrier.wait()
            order_place(customer=customer, service_id=default_service.pk, params=params)
            result = "placed"
        except OrderRefused as refusal:
            result = refusal.message
        except Exception as error:  # a deadlock or anything else would surface here
            result = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=send, args=(customer,)) for customer in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(outcomes) == sorted(["placed"] + [ACTIVE_ORDER_WITH_LINK] * (THREADS - 1)), outcomes
    assert Order.objects.filter(service=default_service, link=params["link"]).count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.CHARGE).count() == 1
    assert ledger_audit() == []
