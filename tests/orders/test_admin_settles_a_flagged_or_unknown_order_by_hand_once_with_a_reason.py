"""Staff settle an order whose outcome is unknown, or a sent one polling flagged, by hand: Completed,
Partial with what was delivered (the undelivered share refunded, rounded down) or Canceled (refunded
in full), with a reason; once, with an event and an audit trail entry naming them. Other orders are
refused and nothing changes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from billing.money import refund_for
from orders.errors import OrderRefused
from orders.models import Order, OrderEvent, Submission
from orders.selectors import order_progress
from orders.services.by_hand import order_settle_by_hand
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus
from tests.racing import race


def balance(customer) -> Decimal:
    return Balance.objects.get(customer=customer).amount


def settle_url(order: Order) -> str:
    return reverse("admin:orders_order_settle", args=[order.pk])


@pytest.fixture
def unknown_order(place_order):
    def make(quantity: int = 1000) -> Order:
        order = place_order(quantity=quantity)
        Order.objects.filter(pk=order.pk).update(submission=Submission.UNKNOWN)
        return Order.objects.get(pk=order.pk)

    return make


@pytest.fixture
def flagged_order(sent_order):
    def make() -> Order:
        order = sent_order(quantity=1000)
        Order.objects.filter(pk=order.pk).update(flagged=True)
        return Order.objects.get(pk=order.pk)

    return make


def test_an_unknown_order_found_completed_is_settled_with_no_refund_an_event_and_a_log_entry(
    client, resolver, unknown_order
):
    order = unknown_order()
    before = balance(order.customer)
    client.force_login(resolver)
    assert client.get(settle_url(order)).status_code == 200

    response = client.post(settle_url(order), {"outcome": "Completed", "reason": "Delivered at the provider"})

    assert response.status_code == 302
    settled = Order.objects.get(pk=order.pk)
    assert (settled.status, settled.remains, settled.refunded) == (OrderStatus.COMPLETED, 0, 0)
    assert settled.completed_at is not None
    assert order_progress(settled).status == OrderStatus.COMPLETED  # what the customer sees too
    assert balance(order.customer) == before
    event = OrderEvent.objects.get(order=order, actor=resolver)
    assert "Completed by staff" in event.message and "Delivered at the provider" in event.message
    log = AuditEntry.objects.get(object_type="orders.order", object_id=str(order.pk), actor=resolver)
    assert log.reason == "Delivered at the provider"
    assert (log.before["status"], log.after["status"]) == ("Pending", "Completed")

    again = client.post(settle_url(order), {"outcome": "Canceled", "reason": "double submit"})
    assert again.status_code == 200
    assert "already Completed" in str(again.context["form"].errors)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.COMPLETED
    assert balance(order.customer) == before
    assert not LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).exists()


def test_a_flagged_order_settled_partial_refunds_the_undelivered_share_and_polling_leaves_it(
    client, resolver, flagged_order, simulator, provider
):
    order = flagged_order()
    before = balance(order.customer)
    client.force_login(resolver)

    response = client.post(
        settle_url(order), {"outcome": "Partial", "delivered": "300", "reason": "Support: 300 sent"}
    )

    assert response.status_code == 302
    expected = refund_for(order.charge, undelivered=700, ordered=1000)
    settled = Order.objects.get(pk=order.pk)
    assert (settled.status, settled.remains, settled.refunded, settled.flagged) == (
        OrderStatus.PARTIAL,
        700,
        expected,
        False,
    )
    assert balance(order.customer) == before + expected
    assert LedgerEntry.objects.get(order=order, kind=EntryKind.REFUND).amount == expected

    # The provider's late word moves nothing: final is final.
    simulator.force_status(order.provider_order_id, OrderStatus.CANCELED)
    orders_poll(provider=provider)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PARTIAL
    assert balance(order.customer) == before + expected
    assert ledger_audit() == []


def test_an_unknown_order_settled_canceled_is_refunded_in_full_and_never_sent(
    client, resolver, unknown_order, simulator
):
    order = unknown_order()
    before = balance(order.customer)
    client.force_login(resolver)

    client.post(settle_url(order), {"outcome": "Canceled", "reason": "Not at the provider"})

    settled = Order.objects.get(pk=order.pk)
    assert (settled.status, settled.submission, settled.refunded) == (
        OrderStatus.CANCELED,
        Submission.REJECTED,
        order.charge,
    )
    assert balance(order.customer) == before + order.charge
    assert [r.action for r in simulator.received if r.action not in ("services",)] == []
    assert ledger_audit() == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "Partial", "reason": "r"}, "delivered"),
        ({"outcome": "Partial", "delivered": "0", "reason": "r"}, "delivered"),
        ({"outcome": "Partial", "delivered": "1000", "reason": "r"}, "delivered"),
        ({"outcome": "Partial", "delivered": "-5", "reason": "r"}, "delivered"),
        ({"outcome": "Completed", "reason": "   "}, "reason"),
        ({"outcome": "Pending", "reason": "r"}, "outcome"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_changes_nothing(client, resolver, unknown_order, data, field):
    order = unknown_order(quantity=1000)
    before = balance(order.customer)
    client.force_login(resolver)

    response = client.post(settle_url(order), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING
    assert balance(order.customer) == before
    assert not OrderEvent.objects.filter(order=order, actor=resolver).exists()


def test_an_order_neither_unknown_nor_flagged_is_refused(client, resolver, place_order, sent_order):
    client.force_login(resolver)
    for order in (place_order(), sent_order()):
        response = client.post(settle_url(order), {"outcome": "Completed", "reason": "r"})
        assert response.status_code == 200
        assert "settled by hand" in str(response.context["form"].errors)
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING
        assert not OrderEvent.objects.filter(order=order, actor=resolver).exists()


@pytest.mark.django_db(transaction=True)
def test_two_staff_settling_at_once_move_the_money_once(resolver, unknown_order):
    order = unknown_order(quantity=1000)
    before = balance(order.customer)

    def settle(outcome: str, delivered: int | None):
        try:
            order_settle_by_hand(
                order_id=order.pk, actor=resolver, outcome=outcome, delivered=delivered, reason="race"
            )
        except OrderRefused as refusal:
            return refusal.message
        return "settled"

    outcomes = race([lambda: settle("Canceled", None), lambda: settle("Partial", 400)] * 2)

    assert outcomes.count("settled") == 1, outcomes
    assert all("already" in outcome for outcome in outcomes if outcome != "settled"), outcomes
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1
    settled = Order.objects.get(pk=order.pk)
    assert balance(order.customer) == before + settled.refunded
    assert OrderEvent.objects.filter(order=order, actor=resolver).count() == 1
    assert ledger_audit() == []
