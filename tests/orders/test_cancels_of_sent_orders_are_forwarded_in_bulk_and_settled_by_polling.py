"""docs/design.md rule 6: a sent order's cancel is a request. It is forwarded in bulk (100 orders a
`cancel` call), the provider carries it out later, and polling settles it with the exact refund."""

from decimal import Decimal

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import refund_for
from orders.models import CancelState, Order, OrderEvent, Submission
from orders.services.cancels_refills import cancels_send, order_request_cancel
from orders.services.polling import orders_poll
from provider.services import provider_client
from provider.simulator.orders import CANCEL_DELAY
from provider.statuses import OrderStatus


def balance(customer) -> Decimal:
    return Balance.objects.get(customer=customer).amount


def cancel_calls(simulator) -> list[list[str]]:
    """The order ids of each `cancel` call the simulator received."""
    return [r.params["orders"].split(",") for r in simulator.received if r.action == "cancel"]


def test_a_cancel_is_forwarded_carried_out_later_and_settled_with_the_exact_refund(
    sent_order, make_customer, simulator, provider
):
    customer = make_customer("1000")
    # Four orders placed at the same simulated instant; three are canceled at once, one later.
    early = [sent_order(customer=customer) for _ in range(3)]
    late = sent_order(customer=customer)
    before = balance(customer)

    for order in early:
        requested = order_request_cancel(customer=customer, order_id=order.pk)
        assert requested.cancel_state == CancelState.REQUESTED
        assert requested.status == OrderStatus.PENDING and requested.refunded == 0
    assert cancel_calls(simulator) == []  # a request, not yet forwarded
    assert balance(customer) == before

    report = cancels_send()
    assert (report.sent, report.refused, report.failed_calls) == (3, 0, 0)
    (call,) = cancel_calls(simulator)
    assert sorted(call) == sorted(str(o.provider_order_id) for o in early)
    assert set(Order.objects.filter(pk__in=[o.pk for o in early]).values_list("cancel_state", flat=True)) == {
        CancelState.SENT
    }
    assert cancels_send().sent == 0  # forwarded once

    # Accepted is not done: until the provider carries the cancels out, polling moves no money.
    orders_poll(provider=provider)
    assert balance(customer) == before
    assert not LedgerEntry.objects.filter(kind=EntryKind.REFUND).exists()

    # The late one is canceled while it delivers, so some of it is delivered.
    simulator.advance(10)
    order_request_cancel(customer=customer, order_id=late.pk)
    assert cancels_send().sent == 1
    simulator.advance(CANCEL_DELAY + 1)
    report = orders_poll(provider=provider)
    assert report.changed == 4 and report.refunds == 4

    refunds = Decimal(0)
    for order in [*early, late]:
        order.refresh_from_db()
        at_provider = simulator.order(order.provider_order_id)
        assert order.status == at_provider.status in (OrderStatus.CANCELED, OrderStatus.PARTIAL)
        assert order.remains == at_provider.remains
        expected = (
            order.charge
            if order.status == OrderStatus.CANCELED
            else refund_for(order.charge, undelivered=order.remains, ordered=order.quantity)
        )
        assert order.refunded == expected > 0
        assert LedgerEntry.objects.get(order=order, kind=EntryKind.REFUND).amount == expected
        assert order.cancel_state == CancelState.SENT  # carried out, in full or in part
        refunds += expected
    late.refresh_from_db()
    assert late.status == OrderStatus.PARTIAL and 0 < late.remains < late.quantity
    # Seed 3 cancels the first order before it starts: both outcomes are exercised.
    assert {o.status for o in Order.objects.filter(pk__in=[o.pk for o in early])} == {
        OrderStatus.CANCELED,
        OrderStatus.PARTIAL,
    }
    assert balance(customer) == before + refunds
    assert ledger_audit() == []

    # Later rounds change nothing: the orders are final.
    simulator.advance(600)
    assert orders_poll(provider=provider).orders == 0
    assert balance(customer) == before + refunds


def test_an_order_that_completes_although_its_cancel_was_accepted_marks_the_cancel_refused(
    sent_order, simulator, provider
):
    order = sent_order()
    order_request_cancel(customer=order.customer, order_id=order.pk)
    assert cancels_send().sent == 1
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED)

    orders_poll(provider=provider)

    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED and order.refunded == 0
    assert order.cancel_state == CancelState.REFUSED


def test_the_provider_refusing_a_cancel_marks_it_refused_and_moves_no_money(
    sent_order, make_customer, simulator
):
    customer = make_customer("1000")
    accepted, refused = sent_order(customer=customer), sent_order(customer=customer)
    # The second is complete at the provider before we have seen it: the provider refuses its cancel.
    simulator.force_status(refused.provider_order_id, OrderStatus.COMPLETED)
    before = balance(customer)
    for order in (accepted, refused):
        order_request_cancel(customer=customer, order_id=order.pk)

    report = cancels_send()

    assert (report.sent, report.refused) == (1, 1)
    assert len(cancel_calls(simulator)) == 1
    accepted.refresh_from_db()
    refused.refresh_from_db()
    assert accepted.cancel_state == CancelState.SENT
    assert refused.cancel_state == CancelState.REFUSED
    assert OrderEvent.objects.filter(order=refused, message__startswith="Cancel refused:").exists()
    assert refused.status == OrderStatus.PENDING and refused.refunded == 0
    assert balance(customer) == before
    # A refused cancel is not asked again.
    assert cancels_send().sent == 0 and len(cancel_calls(simulator)) == 1


def test_a_disabled_cancel_at_the_provider_is_a_refusal(sent_order, simulator, default_service):
    order = sent_order()
    simulator.set_service(default_service.provider_service_id, cancel=False)
    order_request_cancel(customer=order.customer, order_id=order.pk)

    assert cancels_send().refused == 1

    order.refresh_from_db()
    assert order.cancel_state == CancelState.REFUSED
    event = OrderEvent.objects.filter(order=order).last()
    assert event.message == "Cancel refused: Cancel is disabled for this service"


def test_a_failed_cancel_call_leaves_the_requests_to_be_forwarded_again(sent_order, set_faults, simulator):
    order = sent_order()
    order_request_cancel(customer=order.customer, order_id=order.pk)
    set_faults(http_500=1.0)

    report = cancels_send()

    assert (report.sent, report.failed_calls) == (0, 1)
    assert Order.objects.get(pk=order.pk).cancel_state == CancelState.REQUESTED
    set_faults()
    assert cancels_send().sent == 1
    assert Order.objects.get(pk=order.pk).cancel_state == CancelState.SENT


def test_150_requested_cancels_go_out_in_two_calls(provider, default_service, make_customer, simulator):
    customer = make_customer("0")
    client = provider_client(provider)
    provider_ids = [
        client.add(
            service=default_service.provider_service_id,
            link=f"https://instagram.com/p/bulk{i}",
            quantity=default_service.min_quantity,
        )
        for i in range(150)
    ]
    # Sent orders asking for a cancel; their money is not what this test is about.
    Order.objects.bulk_create(
        [
            Order(
                customer=customer,
                service=default_service,
                provider=provider,
                link=f"https://instagram.com/p/bulk{i}",
                quantity=default_service.min_quantity,
                rate=default_service.rate,
                charge=Decimal(0),
                submission=Submission.SENT,
                provider_order_id=provider_id,
                cancel_state=CancelState.REQUESTED,
            )
            for i, provider_id in enumerate(provider_ids)
        ]
    )

    report = cancels_send()

    calls = cancel_calls(simulator)
    assert sorted((len(ids) for ids in calls), reverse=True) == [100, 50]  # asked at once: any order
    assert sorted(int(i) for ids in calls for i in ids) == sorted(provider_ids)
    assert report.sent == 150
    assert Order.objects.filter(cancel_state=CancelState.SENT).count() == 150
    assert all(order.cancel_requested for order in simulator.orders())
