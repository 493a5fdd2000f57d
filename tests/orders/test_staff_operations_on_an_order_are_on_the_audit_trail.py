"""What staff do to an order from its admin page is on the audit trail: attaching the provider's id,
cancelling and refunding, settling by hand, the Manual queue's start and finish, each with who, the
order's status, submission, provider id and refund before and after, and the reason. A refused
operation leaves no entry, and orders placed, sent and polled by the panel leave none."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry, AuditKind
from orders.models import Order, Submission
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus


def _trail(order: Order) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(object_type="orders.order", object_id=str(order.pk))
        .order_by("id")
        .values_list("actor__email", "kind", "action", "before", "after", "reason")
    )


@pytest.fixture
def unknown_order(place_order):
    order = place_order(quantity=1000)
    Order.objects.filter(pk=order.pk).update(submission=Submission.UNKNOWN)
    return Order.objects.get(pk=order.pk)


def test_the_panels_own_placing_sending_and_polling_leave_no_entry(sent_order, provider):
    sent_order()
    orders_poll(provider=provider)

    assert AuditEntry.objects.count() == 0


def test_attaching_the_providers_id_is_recorded(client, resolver, unknown_order):
    client.force_login(resolver)

    response = client.post(
        reverse("admin:orders_order_attach", args=[unknown_order.pk]), {"provider_order_id": 987654}
    )

    assert response.status_code == 302
    assert _trail(unknown_order) == [
        (
            resolver.email,
            AuditKind.ORDER,
            "Attach the provider's order id",
            {"submission": "unknown", "provider_order_id": None},
            {"submission": "sent", "provider_order_id": 987654},
            "",
        )
    ]


def test_cancel_and_refund_is_recorded_with_the_refund_and_a_refused_one_is_not(client, resolver, sent_order):
    order = sent_order(quantity=1000)
    client.force_login(resolver)
    url = reverse("admin:orders_order_cancel", args=[order.pk])

    assert client.post(url, {"reason": "Customer complained"}).status_code == 302
    assert client.post(url, {"reason": "double click"}).status_code == 200  # already final

    ((actor, kind, action, before, after, reason),) = _trail(order)
    assert (actor, kind, action, reason) == (
        resolver.email,
        AuditKind.ORDER,
        "Cancel and refund",
        "Customer complained",
    )
    assert (before["status"], after["status"]) == (OrderStatus.PENDING, OrderStatus.CANCELED)
    assert (before["refunded"], after["refunded"]) == ("0", f"{order.charge.normalize():f}")


def test_settling_by_hand_is_recorded(client, resolver, unknown_order):
    client.force_login(resolver)

    response = client.post(
        reverse("admin:orders_order_settle", args=[unknown_order.pk]),
        {"outcome": "Partial", "delivered": "400", "reason": "Counted at the provider"},
    )

    assert response.status_code == 302
    ((_, _, action, before, after, reason),) = _trail(unknown_order)
    assert (action, reason) == ("Settle by hand", "Counted at the provider")
    assert (before["status"], after["status"]) == (OrderStatus.PENDING, OrderStatus.PARTIAL)
    assert (before["remains"], after["remains"]) == (None, 600)  # unknown until polled


def test_the_manual_queues_start_and_finish_are_recorded(client, make_staff, manual_order):
    operator = make_staff("orders.view_order", "orders.handle_manual_order")
    order = manual_order()
    client.force_login(operator)

    client.post(reverse("admin:orders_order_manual_start", args=[order.pk]))
    client.post(
        reverse("admin:orders_order_manual_settle", args=[order.pk]), {"outcome": "Completed", "reason": ""}
    )

    assert [(actor, action, before, after) for actor, _, action, before, after, _ in _trail(order)] == [
        (operator.email, "Start", {"status": "Pending"}, {"status": "In progress"}),
        (
            operator.email,
            "Finish the manual order",
            {"status": "In progress", "remains": None},
            {
                "status": "Completed",
                "remains": 0,
            },
        ),
    ]
