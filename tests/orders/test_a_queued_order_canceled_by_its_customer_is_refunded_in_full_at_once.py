"""A cancel of an order not yet sent takes it back from the queue: Canceled and refunded at once."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from orders.models import Order, OrderEvent, Submission
from orders.services.cancels_refills import cancels_send, order_request_cancel
from orders.services.forwarding import order_submit, orders_sweep
from provider.statuses import OrderStatus


def order_calls(simulator) -> list[str]:
    return [r.action for r in simulator.received if r.action != "services"]


def balance(customer) -> Decimal:
    return Balance.objects.get(customer=customer).amount


def test_a_queued_order_is_canceled_and_refunded_in_full_without_asking_the_provider(
    place_order, make_customer, simulator
):
    customer = make_customer("10")
    order = place_order(customer=customer)
    assert balance(customer) == Decimal("10") - order.charge

    canceled = order_request_cancel(customer=customer, order_id=order.pk)

    assert (canceled.status, canceled.submission) == (OrderStatus.CANCELED, Submission.REJECTED)
    assert canceled.refunded == canceled.charge == order.charge
    assert balance(customer) == Decimal("10")
    refund = LedgerEntry.objects.get(order=order, kind=EntryKind.REFUND)
    assert refund.amount == order.charge
    assert OrderEvent.objects.filter(order=order, message__contains="Canceled by the customer").exists()
    assert ledger_audit() == []
    assert order_calls(simulator) == []  # nothing was sent, nothing to cancel there


def test_a_canceled_queued_order_is_never_sent_later(place_order, make_customer, simulator):
    customer = make_customer()
    order = place_order(customer=customer)
    order_request_cancel(customer=customer, order_id=str(order.pk))

    # Its submit task still arrives, and the sweeper looks for lost tasks: neither sends it.
    assert order_submit(order_id=order.pk) is None
    Order.objects.filter(pk=order.pk).update(updated_at=order.created_at.replace(year=2000))
    assert order.pk not in orders_sweep()[1]
    assert cancels_send().sent == 0
    assert order_calls(simulator) == []
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELED
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1


def test_canceling_a_queued_order_adds_no_savepoint_around_the_refund(place_order, make_customer):
    customer = make_customer()
    order = place_order(customer=customer)

    with CaptureQueriesContext(connection) as captured:
        order_request_cancel(customer=customer, order_id=order.pk)

    statements = [query["sql"] for query in captured.captured_queries]
    # The test runs in a transaction, so order_reject_and_refund's atomic() is a savepoint, and the
    # refund takes its own; the cancel adds none around them.
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 2, statements
