"""docs/design.md rule 3: the provider's answer to `add` decides where the order goes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from orders.models import Order, Submission
from orders.services.forwarding import SENDING_TIMEOUT, order_submit, orders_sweep
from orders.services.placing import order_place
from provider.statuses import OrderStatus


@pytest.fixture
def place(make_customer, default_service, new_link, django_capture_on_commit_callbacks):
    def place(customer=None) -> Order:
        # The on-commit submit task is not run here: each test calls order_submit itself.
        with django_capture_on_commit_callbacks(execute=False):
            return order_place(
                customer=customer or make_customer(),
                service_id=default_service.pk,
                params={"link": new_link(), "quantity": str(default_service.min_quantity)},
            )

    return place


def adds(simulator) -> int:
    return sum(1 for received in simulator.received if received.action == "add")


def test_an_order_id_means_sent(place, simulator):
    order = place()
    assert order_submit(order_id=order.pk) == Submission.SENT
    order.refresh_from_db()
    assert order.submission == Submission.SENT
    assert order.provider_order_id == simulator.orders()[0].order_id
    assert simulator.orders()[0].link == order.link


def test_a_claimed_order_is_never_sent_twice(place, simulator):
    order = place()
    order_submit(order_id=order.pk)
    assert order_submit(order_id=order.pk) is None
    assert adds(simulator) == 1


def test_a_permanent_refusal_rejects_cancels_and_refunds_in_full(place, simulator, set_faults):
    order = place()
    customer_balance = Balance.objects.get(customer=order.customer).amount
    set_faults(refusal=1.0, refusal_permanent=1.0)
    assert order_submit(order_id=order.pk) == Submission.REJECTED
    order.refresh_from_db()
    assert (order.submission, order.status) == (Submission.REJECTED, OrderStatus.CANCELED)
    assert order.error and order.refunded == order.charge
    assert Balance.objects.get(customer=order.customer).amount == customer_balance + order.charge
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1
    assert ledger_audit() == []


def test_a_refusal_that_may_pass_queues_it_again_with_back_off(place, simulator, set_faults):
    order = place()
    set_faults(refusal=1.0, refusal_permanent=0.0)
    assert order_submit(order_id=order.pk) == Submission.QUEUED
    order.refresh_from_db()
    assert order.submission == Submission.QUEUED and order.submit_attempts == 1
    assert order.next_attempt_at > timezone.now()
    assert order.refunded == 0
    # Not due yet: a second task does nothing.
    assert order_submit(order_id=order.pk) is None
    assert adds(simulator) == 1


def test_no_connection_queues_it_again(place, provider):
    order = place()
    provider.api_url = "http://127.0.0.1:9/api/v2"  # the discard port: nothing listens
    provider.save()
    assert order_submit(order_id=order.pk) == Submission.QUEUED
    assert Order.objects.get(pk=order.pk).submission == Submission.QUEUED


def test_an_add_accepted_then_answered_too_late_is_unknown_and_never_resent(place, simulator, set_faults):
    order = place()
    set_faults(add_accepted_late=1.0, late_delay=2.5)
    assert order_submit(order_id=order.pk) == Submission.UNKNOWN
    order.refresh_from_db()
    assert order.submission == Submission.UNKNOWN and order.flagged
    assert order.refunded == 0
    set_faults()
    assert order_submit(order_id=order.pk) is None
    orders_sweep()
    assert adds(simulator) == 1
    assert len(simulator.orders()) == 1  # the provider did place it


@pytest.mark.parametrize("fault", ["http_500", "html", "truncated_json"])
def test_a_garbled_answer_to_add_is_unknown(place, simulator, set_faults, fault):
    order = place()
    set_faults(**{fault: 1.0})
    assert order_submit(order_id=order.pk) == Submission.UNKNOWN
    assert adds(simulator) == 1


def test_the_sweeper_calls_orders_stuck_in_sending_unknown_and_requeues_lost_ones(place, simulator):
    stuck, lost, _fresh = place(), place(), place()
    Order.objects.filter(pk=stuck.pk).update(
        submission=Submission.SENDING, claimed_at=timezone.now() - SENDING_TIMEOUT - timedelta(seconds=1)
    )
    Order.objects.filter(pk=lost.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    unknown, due = orders_sweep()
    assert unknown == 1
    assert Order.objects.get(pk=stuck.pk).submission == Submission.UNKNOWN
    assert due == [lost.pk]
    assert adds(simulator) == 0


def test_a_late_answer_after_the_sweeper_still_records_the_provider_id(place, simulator):
    from orders.services.forwarding import _mark_sent

    order = place()
    Order.objects.filter(pk=order.pk).update(submission=Submission.UNKNOWN)
    _mark_sent(order, 4242)
    order.refresh_from_db()
    assert (order.submission, order.provider_order_id) == (Submission.SENT, 4242)


def test_charges_are_exact_decimals(place):
    order = place()
    assert isinstance(order.charge, Decimal)
    assert order.charge.as_tuple().exponent >= -5
