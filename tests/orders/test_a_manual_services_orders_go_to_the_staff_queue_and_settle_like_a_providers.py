"""A manual service's orders are charged as any, never sent to a provider (not by the sweeper
either), and wait in the admin's Manual queue, where staff with `orders.handle_manual_order`
start them, then complete them, complete them in part or cancel them: money as polling moves it,
once, with an event; the customer may cancel one staff have not started."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import refund_for
from orders.errors import CANCEL_TOO_LATE, OrderRefused
from orders.models import Order, OrderEvent, Submission
from orders.selectors import order_progress
from orders.services.cancels_refills import order_request_cancel
from orders.services.forwarding import order_submit, orders_sweep
from provider.statuses import OrderStatus


@pytest.fixture
def queue_staff(make_staff):
    return make_staff("orders.view_order", "orders.handle_manual_order")


def balance(customer) -> Decimal:
    return Balance.objects.get(customer=customer).amount


def url(name: str, order: Order) -> str:
    return reverse(f"admin:orders_order_manual_{name}", args=[order.pk])


def test_an_order_of_a_manual_service_is_charged_and_never_sent(manual_order, simulator, manual_service):
    order = manual_order(quantity=1000)

    assert order.submission == Submission.MANUAL
    assert LedgerEntry.objects.get(order=order, kind=EntryKind.CHARGE).amount == -order.charge
    assert order.charge == Decimal("2.00000")
    assert order_submit(order_id=order.pk) is None
    orders_sweep()
    assert Order.objects.get(pk=order.pk).submission == Submission.MANUAL
    assert [r.action for r in simulator.received if r.action != "services"] == []
    assert order_progress(order).status == OrderStatus.PENDING


def test_the_manual_queue_lists_open_manual_orders_only(client, queue_staff, manual_order, place_order):
    waiting, other = manual_order(), place_order()
    done = manual_order()
    Order.objects.filter(pk=done.pk).update(status=OrderStatus.COMPLETED)
    client.force_login(queue_staff)

    response = client.get(reverse("admin:orders_order_changelist"), {"manual": "open"})

    shown = [order.pk for order in response.context["cl"].result_list]
    assert shown == [waiting.pk]
    assert other.pk not in shown and done.pk not in shown


def test_staff_start_then_complete_in_part_and_the_undelivered_share_is_refunded_once(
    client, queue_staff, manual_order
):
    order = manual_order(quantity=1000)
    before = balance(order.customer)
    client.force_login(queue_staff)

    assert client.post(url("start", order)).status_code == 302
    started = Order.objects.get(pk=order.pk)
    assert order_progress(started).status == OrderStatus.IN_PROGRESS
    assert "Started by staff" in OrderEvent.objects.filter(order=order, actor=queue_staff).get().message
    assert client.post(url("start", order)).status_code == 200  # twice: refused, nothing more

    response = client.post(url("settle", order), {"outcome": "Partial", "delivered": "250"})

    assert response.status_code == 302
    expected = refund_for(order.charge, undelivered=750, ordered=1000)
    settled = Order.objects.get(pk=order.pk)
    assert (settled.status, settled.refunded, settled.remains) == (OrderStatus.PARTIAL, expected, 750)
    assert order_progress(settled).status == OrderStatus.PARTIAL
    assert balance(order.customer) == before + expected

    again = client.post(url("settle", order), {"outcome": "Canceled"})
    assert "already Partial" in str(again.context["form"].errors)
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1
    assert balance(order.customer) == before + expected
    assert ledger_audit() == []


def test_staff_complete_one_and_cancel_another_with_a_full_refund(client, queue_staff, manual_order):
    completed, canceled = manual_order(), manual_order()
    before = balance(canceled.customer)
    client.force_login(queue_staff)

    client.post(url("settle", completed), {"outcome": "Completed"})
    client.post(url("settle", canceled), {"outcome": "Canceled", "reason": "Account is private"})

    assert Order.objects.get(pk=completed.pk).status == OrderStatus.COMPLETED
    assert not LedgerEntry.objects.filter(order=completed, kind=EntryKind.REFUND).exists()
    assert Order.objects.get(pk=canceled.pk).refunded == canceled.charge
    assert balance(canceled.customer) == before + canceled.charge
    assert ledger_audit() == []


def test_the_queue_is_refused_to_staff_without_its_permission_and_to_provider_orders(
    client, make_staff, queue_staff, manual_order, place_order
):
    order = manual_order()
    client.force_login(make_staff("orders.view_order", "orders.resolve_order"))
    assert client.post(url("start", order)).status_code == 403
    assert client.post(url("settle", order), {"outcome": "Canceled"}).status_code == 403
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING

    provider_order = place_order()
    client.force_login(queue_staff)
    response = client.post(url("settle", provider_order), {"outcome": "Completed"})
    assert "not a manual service" in str(response.context["form"].errors)
    assert Order.objects.get(pk=provider_order.pk).status == OrderStatus.PENDING
    assert not LedgerEntry.objects.filter(kind=EntryKind.REFUND).exists()


def test_the_customer_cancels_a_manual_order_until_staff_start_it(manual_order, queue_staff, client):
    first, second = manual_order(), manual_order()
    before = balance(first.customer)

    canceled = order_request_cancel(customer=first.customer, order_id=first.pk)
    assert (canceled.status, canceled.refunded) == (OrderStatus.CANCELED, first.charge)
    assert balance(first.customer) == before + first.charge

    client.force_login(queue_staff)
    client.post(url("start", second))
    with pytest.raises(OrderRefused) as refused:
        order_request_cancel(customer=second.customer, order_id=second.pk)
    assert refused.value.message == CANCEL_TOO_LATE
    assert Order.objects.get(pk=second.pk).status == OrderStatus.IN_PROGRESS
    assert ledger_audit() == []
