"""order_reject_and_refund takes an order from one submission state to rejected and refunds it; when
a worker, the sweeper or another request moved the order first, it changes nothing and refunds
nothing (the cancel of a queued order and the provider's rejection both go through it)."""

from decimal import Decimal

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from orders.models import Order, OrderEvent, Submission
from orders.services.operations import order_reject_and_refund
from provider.statuses import OrderStatus


def test_an_order_no_longer_in_the_expected_state_is_left_as_it_is(place_order, make_customer):
    customer = make_customer("10")
    order = place_order(customer=customer)
    Order.objects.filter(pk=order.pk).update(submission=Submission.SENDING)  # a worker claimed it
    events = OrderEvent.objects.filter(order=order).count()

    rejected = order_reject_and_refund(
        order=order,
        from_submissions=[Submission.QUEUED],
        error="Canceled by the customer",
        refund_reason="Canceled by the customer",
        event="Canceled by the customer; refunded",
    )

    assert rejected is False
    order.refresh_from_db()
    assert (order.submission, order.status, order.refunded) == (
        Submission.SENDING,
        OrderStatus.PENDING,
        Decimal(0),
    )
    assert not LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).exists()
    assert Balance.objects.get(customer=customer).amount == Decimal("10") - order.charge
    assert OrderEvent.objects.filter(order=order).count() == events
    assert ledger_audit() == []
