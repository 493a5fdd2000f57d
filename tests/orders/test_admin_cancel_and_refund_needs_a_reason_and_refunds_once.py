"""Staff cancel an order on our side and refund what is left of its charge: with a reason, once,
and with their name on it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from orders.models import CancelState, Order, OrderEvent, Submission
from orders.services.cancels_refills import cancels_send
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus


def balance(customer) -> Decimal:
    return Balance.objects.get(customer=customer).amount


def cancel_url(order: Order) -> str:
    return reverse("admin:orders_order_cancel", args=[order.pk])


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(client, resolver, sent_order, reason):
    order = sent_order()
    before = balance(order.customer)
    client.force_login(resolver)

    response = client.post(cancel_url(order), {"reason": reason})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING
    assert balance(order.customer) == before
    assert not LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).exists()


def test_a_sent_order_is_canceled_refunded_once_and_the_provider_asked_to_stop(
    client, resolver, sent_order, simulator, provider
):
    order = sent_order()
    before = balance(order.customer)
    client.force_login(resolver)
    assert client.get(cancel_url(order)).status_code == 200

    response = client.post(cancel_url(order), {"reason": "Customer complained; provider stalled"})

    assert response.status_code == 302
    canceled = Order.objects.get(pk=order.pk)
    assert canceled.status == OrderStatus.CANCELED and canceled.refunded == order.charge
    assert canceled.error == "Customer complained; provider stalled"
    assert balance(order.customer) == before + order.charge
    refund = LedgerEntry.objects.get(order=order, kind=EntryKind.REFUND)
    assert refund.amount == order.charge
    assert "Customer complained" in refund.reason
    event = OrderEvent.objects.filter(order=order, actor=resolver).get()
    assert f"refunded {order.charge}" in event.message and "Customer complained" in event.message

    # Refused the second time: final is final, and the money moved once.
    again = client.post(cancel_url(order), {"reason": "double click"})
    assert again.status_code == 200
    assert f"already {OrderStatus.CANCELED}" in str(again.context["form"].errors)
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1
    assert balance(order.customer) == before + order.charge

    # The provider is asked to stop; whatever it ends with moves no more money.
    assert canceled.cancel_state == CancelState.REQUESTED
    assert cancels_send().sent == 1
    simulator.force_status(order.provider_order_id, OrderStatus.PARTIAL)
    orders_poll(provider=provider)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELED
    assert balance(order.customer) == before + order.charge
    assert ledger_audit() == []


def test_an_unknown_order_is_canceled_refunded_and_never_sent(client, resolver, place_order, simulator):
    order = place_order()
    Order.objects.filter(pk=order.pk).update(submission=Submission.UNKNOWN, flagged=True)
    before = balance(order.customer)
    client.force_login(resolver)

    assert client.post(cancel_url(order), {"reason": "Not placed at the provider"}).status_code == 302

    canceled = Order.objects.get(pk=order.pk)
    assert (canceled.status, canceled.submission, canceled.flagged) == (
        OrderStatus.CANCELED,
        Submission.REJECTED,
        False,
    )
    assert balance(order.customer) == before + order.charge
    assert [r.action for r in simulator.received if r.action != "services"] == []


def test_a_completed_order_is_refused_and_keeps_its_money(client, resolver, sent_order, simulator, provider):
    order = sent_order()
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED)
    orders_poll(provider=provider)
    before = balance(order.customer)
    client.force_login(resolver)

    response = client.post(cancel_url(order), {"reason": "goodwill"})

    assert response.status_code == 200
    assert "already Completed" in str(response.context["form"].errors)
    assert balance(order.customer) == before
    assert not LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).exists()
