"""docs/design.md rule 6: a refill of a completed order is a request. `refills_send` forwards the queued
ones in bulk and keeps the provider's refill id; `refills_poll` reads their statuses in bulk."""

from decimal import Decimal

from orders.models import Order, OrderEvent, Refill, Submission
from orders.services.cancels_refills import order_request_refill, refills_poll, refills_send
from provider.services import provider_client
from provider.simulator.orders import REFILL_STEPS
from provider.statuses import OrderStatus, RefillStatus


def calls(simulator, action: str) -> list[list[str]]:
    """The ids sent in each many-form `action` call the simulator received."""
    param = "refills" if action == "refill_status" else "orders"
    return [
        r.params[param].split(",") for r in simulator.received if r.action == action and param in r.params
    ]


def test_a_refill_is_requested_forwarded_and_polled_to_its_outcome(
    completed_order, make_customer, simulator, provider
):
    customer = make_customer("1000")
    orders = [completed_order(customer=customer), completed_order(customer=customer)]

    refills = [order_request_refill(customer=customer, order_id=order.pk) for order in orders]
    for refill, order in zip(refills, orders, strict=True):
        assert refill.order_id == order.pk
        assert (refill.submission, refill.status, refill.provider_refill_id) == (
            Submission.QUEUED,
            RefillStatus.PENDING,
            "",
        )
        assert OrderEvent.objects.filter(order=order, message__contains=f"Refill {refill.pk}").exists()
    assert calls(simulator, "refill") == []  # a request, not yet forwarded

    report = refills_send()

    assert (report.sent, report.refused, report.failed_calls) == (2, 0, 0)
    (call,) = calls(simulator, "refill")
    assert sorted(call) == sorted(str(order.provider_order_id) for order in orders)
    for refill in refills:
        refill.refresh_from_db()
        assert refill.submission == Submission.SENT and refill.provider_refill_id
    assert {r.provider_refill_id for r in refills} == {"501", "502"}  # the simulator's ids
    assert refills_send().sent == 0  # forwarded once

    # Not started yet: nothing changes, but each is checked.
    assert refills_poll() == 0
    assert all(r.last_checked_at for r in Refill.objects.all())

    simulator.advance(REFILL_STEPS[0] + 1)
    assert refills_poll() == 2
    assert set(Refill.objects.values_list("status", flat=True)) == {RefillStatus.IN_PROGRESS}

    simulator.advance(REFILL_STEPS[1])
    assert refills_poll() == 2
    client = provider_client(provider)
    for refill in Refill.objects.all():
        assert refill.status == client.refill_status(refill.provider_refill_id).status
    # Seed 3 rejects the first refill and completes the second.
    assert sorted(Refill.objects.values_list("status", flat=True)) == [
        RefillStatus.COMPLETED,
        RefillStatus.REJECTED,
    ]
    (status_call, *_) = calls(simulator, "refill_status")
    assert sorted(status_call) == ["501", "502"]

    # Final refills are not asked about again.
    before = len(calls(simulator, "refill_status"))
    assert refills_poll() == 0
    assert len(calls(simulator, "refill_status")) == before


def test_a_refill_the_provider_refuses_is_rejected_with_its_reason(
    completed_order, simulator, default_service
):
    order = completed_order()
    refill = order_request_refill(customer=order.customer, order_id=order.pk)
    simulator.set_service(default_service.provider_service_id, refill=False)

    report = refills_send()

    assert (report.sent, report.refused) == (0, 1)
    refill.refresh_from_db()
    assert (refill.submission, refill.status) == (Submission.REJECTED, RefillStatus.REJECTED)
    assert refill.error == "Refill is disabled for this service"
    assert refill.provider_refill_id == ""
    # It is final: it is not polled, and the customer may ask again.
    assert refills_poll() == 0
    assert order_request_refill(customer=order.customer, order_id=order.pk).pk != refill.pk


def test_a_failed_refill_call_leaves_them_queued_for_the_next_round(completed_order, set_faults):
    order = completed_order()
    refill = order_request_refill(customer=order.customer, order_id=order.pk)
    set_faults(http_500=1.0)
    assert refills_send().failed_calls == 1
    assert Refill.objects.get(pk=refill.pk).submission == Submission.QUEUED
    set_faults()
    assert refills_send().sent == 1


def test_120_refills_go_out_and_are_polled_in_two_calls_each(
    provider, default_service, make_customer, simulator
):
    customer = make_customer("0")
    client = provider_client(provider)
    provider_ids = []
    for i in range(120):
        provider_id = client.add(
            service=default_service.provider_service_id,
            link=f"https://instagram.com/p/refill{i}",
            quantity=default_service.min_quantity,
        )
        simulator.force_status(provider_id, OrderStatus.COMPLETED)
        provider_ids.append(provider_id)
    orders = Order.objects.bulk_create(
        [
            Order(
                customer=customer,
                service=default_service,
                provider=provider,
                link=f"https://instagram.com/p/refill{i}",
                quantity=default_service.min_quantity,
                rate=default_service.rate,
                charge=Decimal(0),
                submission=Submission.SENT,
                status=OrderStatus.COMPLETED,
                provider_order_id=provider_id,
            )
            for i, provider_id in enumerate(provider_ids)
        ]
    )
    Refill.objects.bulk_create([Refill(order=order) for order in orders])

    assert refills_send().sent == 120
    assert sorted(len(ids) for ids in calls(simulator, "refill")) == [20, 100]  # chunks go out side by side
    assert Refill.objects.filter(submission=Submission.SENT).exclude(provider_refill_id="").count() == 120

    simulator.advance(REFILL_STEPS[1] + 1)
    assert refills_poll() == 120
    assert sorted(len(ids) for ids in calls(simulator, "refill_status")) == [20, 100]
    assert not Refill.objects.filter(status__in=[RefillStatus.PENDING, RefillStatus.IN_PROGRESS]).exists()
