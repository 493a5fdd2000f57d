"""200 simultaneous API `add` calls on 10 resellers: as many orders as the balances cover, never more.

Served by gunicorn, as in production (Django's test server drops connections past a backlog of 5).
"""

from decimal import Decimal

import pytest
import requests

from benchmarks.processes import free_port, gunicorn_args
from billing.audit import ledger_audit
from billing.models import Balance
from billing.money import charge_for
from billing.services import ledger_deposit
from catalog.pricing import customer_rate
from orders.models import Order
from tests.racing import race


@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_adds_place_exactly_what_the_balances_cover(
    start_process, make_reseller, default_service
):
    from tests.conftest import child_environment

    port = free_port()
    gunicorn = start_process(
        "gunicorn",
        gunicorn_args(port, "--workers", "2", "--threads", "8", "--backlog", "512"),
        env=child_environment(API_RATE_LIMIT_PER_MINUTE="10000"),
    )
    url = f"http://127.0.0.1:{port}/api/v2"
    gunicorn.wait_until_serving(url)
    quantity = default_service.min_quantity
    resellers = [make_reseller("0") for _ in range(10)]
    one = charge_for(customer_rate(default_service, resellers[0].customer), quantity)
    # Reseller i can pay for i + 5 orders and sends 20: 95 orders are covered in all.
    for i, reseller in enumerate(resellers):
        ledger_deposit(customer=reseller.customer, amount=one * (i + 5), created_by=None, reason="test")

    def add(reseller, n: int) -> dict | str:
        reply = requests.post(
            url,
            data={
                "key": reseller.key,
                "action": "add",
                "service": default_service.pk,
                "link": f"https://example.com/{reseller.customer.pk}/{n}",
                "quantity": quantity,
            },
            timeout=120,
        )
        return reply.json() if reply.status_code == 200 else f"HTTP {reply.status_code}"

    answers = race([lambda r=r, n=n: add(r, n) for r in resellers for n in range(20)], timeout=180)

    placed = [a for a in answers if isinstance(a, dict) and "order" in a]
    refused = [a for a in answers if isinstance(a, dict) and a.get("error") == "Not enough funds on balance"]
    assert len(answers) == 200
    assert (len(placed), len(refused)) == (95, 105), [a for a in answers if a not in placed + refused][:5]
    for i, reseller in enumerate(resellers):
        assert Order.objects.filter(customer=reseller.customer).count() == i + 5
        assert Balance.objects.get(customer=reseller.customer).amount == Decimal(0)
    assert ledger_audit() == []
