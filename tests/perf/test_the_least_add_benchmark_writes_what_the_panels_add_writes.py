"""The intake benchmark's least `add` (benchmarks/least_add.py), the yardstick #9's intake figures are
read against, does the money work of the panel's `add`: one order charged once, its ledger entry
summing to the balance, its submit task queued on commit; and refuses a wrong key like API v2."""

from decimal import Decimal

import pytest
from django.test import override_settings

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from orders.models import Order, Submission
from panel.apikeys import api_key_create


@pytest.fixture
def least_add(client):
    with override_settings(ROOT_URLCONF="benchmarks.least_add"):
        yield lambda **form: client.post("/api/v2", {"action": "add", **form}).json()


def test_the_least_add_charges_once_and_queues_the_submission(
    least_add, make_customer, service, django_capture_on_commit_callbacks
):
    customer = make_customer("10")
    _, key = api_key_create(customer=customer)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        answer = least_add(key=key, service=service.pk, link="https://instagram.com/p/least")

    order = Order.objects.get(pk=answer["order"])
    assert (order.customer, order.submission) == (customer, Submission.QUEUED)
    charge = LedgerEntry.objects.get(order=order, kind=EntryKind.CHARGE)
    assert charge.amount == -order.charge == Decimal("-1.3")
    assert Balance.objects.get(customer=customer).amount == Decimal("10") - order.charge
    assert ledger_audit() == []
    assert len(queued) == 1


def test_the_least_add_refuses_a_wrong_key_and_an_uncovered_charge(least_add, make_customer, service):
    customer = make_customer("1")  # less than the 1.3 the least add charges
    _, key = api_key_create(customer=customer)

    assert least_add(key="x" * 64, service=service.pk, link="https://instagram.com/p/a") == {
        "error": "Invalid API key"
    }
    assert least_add(key=key, service=service.pk, link="https://instagram.com/p/b") == {
        "error": "Not enough funds on balance"
    }
    assert not Order.objects.exists()
    assert Balance.objects.get(customer=customer).amount == Decimal("1")
