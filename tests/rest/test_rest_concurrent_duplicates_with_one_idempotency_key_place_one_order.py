"""Duplicates of one `POST /orders/` with one Idempotency-Key, sent at the same moment over real
HTTP: every one answers 201 with the same order, one of them placed it, and one charge is taken."""

import pytest
import requests

from billing.audit import ledger_audit
from billing.models import LedgerEntry
from orders.models import Order
from tests.racing import race

# The live server's listening backlog is 5: more simultaneous connections would be refused.
DUPLICATES = 5


@pytest.mark.django_db(transaction=True)
def test_simultaneous_duplicates_over_http_place_exactly_one_order(
    live_server, reseller, default_service, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    body = {"service": default_service.pk, "link": "https://instagram.com/p/once", "quantity": 100}
    headers = {"Authorization": f"Bearer {reseller.key}", "Idempotency-Key": "same-order-7"}

    def send() -> tuple[int, dict, str | None]:
        url = f"{live_server.url}/api/rest/orders/"
        response = requests.post(url, json=body, headers=headers, timeout=60)
        return response.status_code, response.json(), response.headers.get("Idempotent-Replayed")

    answers = race([send] * DUPLICATES, timeout=90)

    order = Order.objects.get(customer=reseller.customer)
    assert [status for status, _, _ in answers] == [201] * DUPLICATES, answers
    assert {answer["id"] for _, answer, _ in answers} == {order.pk}
    assert sorted(replayed or "" for _, _, replayed in answers) == [""] + ["true"] * (DUPLICATES - 1)
    assert LedgerEntry.objects.filter(customer=reseller.customer, kind="charge").count() == 1
    assert ledger_audit() == []
