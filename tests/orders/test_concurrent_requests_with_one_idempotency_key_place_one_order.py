"""Twenty threads send the same order with the same idempotency key at once: exactly one order is
placed and charged, and every thread gets that order back."""

import pytest

from billing.audit import ledger_audit
from billing.models import LedgerEntry
from orders.models import Order
from orders.services.idempotency import order_place_idempotent
from tests.racing import race


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_place_exactly_one_order(make_customer, default_service, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    customer = make_customer("1000")
    params = {"link": "https://example.com/p/once", "quantity": str(default_service.min_quantity)}

    def send() -> tuple[int, bool]:
        order, replayed = order_place_idempotent(
            customer=customer, service_id=default_service.pk, params=params, key="the-one"
        )
        return order.pk, replayed

    outcomes = race([send] * 20)

    assert len(outcomes) == 20
    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    assert {pk for pk, _ in outcomes} == {Order.objects.get(customer=customer).pk}
    assert sorted(replayed for _, replayed in outcomes) == [False] + [True] * 19
    assert LedgerEntry.objects.filter(customer=customer, kind="charge").count() == 1
    assert ledger_audit() == []
