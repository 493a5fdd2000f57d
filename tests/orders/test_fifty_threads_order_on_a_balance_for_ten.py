"""50 threads place orders at once on a balance that covers exactly 10: 10 are placed, none overdraws."""

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import Balance
from orders.models import Order
from orders.services.placing import order_place
from tests.racing import placed_or_refusal, race


@pytest.mark.django_db(transaction=True)
def test_exactly_ten_of_fifty_concurrent_orders_are_placed(make_customer, default_service, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    quantity = default_service.min_quantity
    probe = make_customer("1000")
    one = order_place(
        customer=probe,
        service_id=default_service.pk,
        params={"link": "https://example.com/probe", "quantity": str(quantity)},
    ).charge
    customer = make_customer(one * 10)

    def place(i: int) -> str:
        params = {"link": f"https://example.com/p/{i}", "quantity": str(quantity)}
        return placed_or_refusal(customer=customer, service_id=default_service.pk, params=params)

    outcomes = race([lambda i=i: place(i) for i in range(50)])

    assert outcomes.count("placed") == 10
    assert outcomes.count("Not enough funds on balance") == 40
    assert Order.objects.filter(customer=customer).count() == 10
    assert Balance.objects.get(customer=customer).amount == Decimal("0")
    assert ledger_audit() == []
