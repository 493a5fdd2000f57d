"""Each gateway: a refund's webhook and five orders of the same customer, all at once (the orders
in threads of their own, the webhook over HTTP to the live server). Whatever the interleaving, no
order spends money the refund took back: each order either got in before the refund (and what it
spent is now owed) or is refused; the balance ends at 0, the debt is exactly what the placed
orders cost, and the books are clean."""

from __future__ import annotations

import pytest

from billing.audit import ledger_audit
from orders.errors import NOT_ENOUGH_FUNDS
from orders.models import Order
from tests.payments.gateway_flows import money_of
from tests.racing import placed_or_refusal, race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_task_queue(monkeypatch):
    # Placing queues a submit task on commit; these orders are not sent.
    from orders.tasks import submit_order

    monkeypatch.setattr(submit_order, "delay", lambda *args, **kwargs: None)


def test_orders_racing_a_refund_spend_nothing_it_took_back(
    gateway, make_customer, default_service, new_link, no_task_queue
):
    customer = make_customer(funds=0)
    payment = gateway.start(customer, "25.00")
    assert gateway.deliver(gateway.pay(payment)) == 200
    refund = gateway.refund(payment, payment.pay_amount)
    quantity = str(default_service.min_quantity * 20)
    params = [{"link": new_link(), "quantity": quantity} for _ in range(5)]
    orders = [
        lambda order=order: placed_or_refusal(customer=customer, service_id=default_service.pk, params=order)
        for order in params
    ]

    outcomes = race([lambda: gateway.deliver(refund), *orders])

    assert 200 in outcomes
    placed = outcomes.count("placed")
    refused = [o for o in outcomes if o not in (200, "placed")]
    assert all("debt" in o or o == NOT_ENOUGH_FUNDS for o in refused), refused
    charges = sum(o.charge for o in Order.objects.filter(customer=customer))
    assert Order.objects.filter(customer=customer).count() == placed
    assert money_of(customer) == (0, charges)
    assert ledger_audit() == []
