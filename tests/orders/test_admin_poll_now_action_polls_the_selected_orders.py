"""The "poll now" admin action asks the provider about the selected sent orders at once and applies
the answers, refunds included; the staff member who asked is in each order's history."""

from decimal import Decimal

from django.urls import reverse

from billing.models import Balance, EntryKind, LedgerEntry
from orders.models import Order, OrderEvent
from provider.statuses import OrderStatus


def test_poll_now_settles_the_selected_sent_orders_only(
    client, resolver, sent_order, place_order, make_customer, simulator
):
    customer = make_customer("1000")
    canceled, completed, not_selected = (sent_order(customer=customer) for _ in range(3))
    queued = place_order(customer=customer)
    for order in (canceled, not_selected):
        simulator.force_status(order.provider_order_id, OrderStatus.CANCELED)
    simulator.force_status(completed.provider_order_id, OrderStatus.COMPLETED)
    before = Balance.objects.get(customer=customer).amount
    client.force_login(resolver)

    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "poll_now", "_selected_action": [canceled.pk, completed.pk, queued.pk]},
        follow=True,
    )

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert "Polled 2 sent orders; 2 changed." in messages
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses[canceled.pk] == OrderStatus.CANCELED
    assert statuses[completed.pk] == OrderStatus.COMPLETED
    assert statuses[not_selected.pk] == OrderStatus.PENDING
    assert statuses[queued.pk] == OrderStatus.PENDING
    assert Balance.objects.get(customer=customer).amount == before + canceled.charge
    assert LedgerEntry.objects.filter(kind=EntryKind.REFUND).get().order_id == canceled.pk
    for order in (canceled, completed):
        assert OrderEvent.objects.filter(order=order, actor=resolver, message__contains="Polled").exists()
    assert not OrderEvent.objects.filter(order=not_selected, actor=resolver).exists()


def test_a_provider_failure_is_reported_and_changes_nothing(client, resolver, sent_order, set_faults):
    order = sent_order()
    set_faults(http_500=1.0)
    client.force_login(resolver)

    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "poll_now", "_selected_action": [order.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert any("HTTP 500" in m for m in messages)
    assert "Polled 1 sent orders; 0 changed." in messages
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING
    assert Order.objects.get(pk=order.pk).refunded == Decimal(0)
