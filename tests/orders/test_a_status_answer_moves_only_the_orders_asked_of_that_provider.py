"""A status answer moves only the orders the panel asked that provider about (issue #23): numbers it
was not asked about, and another provider's orders that happen to share a number, move nothing."""

import pytest

from orders.models import Order
from orders.services.polling import orders_poll, orders_poll_ids
from provider.models import Provider
from provider.simulator import Faults
from provider.statuses import OrderStatus

pytestmark = pytest.mark.django_db


def test_orders_in_an_answer_that_were_not_asked_about_do_not_move(sent_order, simulator, provider):
    asked, unasked = sent_order(), sent_order()
    simulator.force_status(unasked.provider_order_id, OrderStatus.CANCELED)
    simulator.set_faults(Faults(unasked_ids=1.0))

    orders_poll_ids(provider=provider, order_ids=[asked.pk])

    unasked.refresh_from_db()
    assert (unasked.status, unasked.refunded, unasked.last_checked_at) == (OrderStatus.PENDING, 0, None)
    received = [r for r in simulator.received if r.action == "status"]
    assert [r.params.get("orders") for r in received] == [str(asked.provider_order_id)]


def test_another_providers_order_is_never_asked_of_this_one(sent_order, simulator, provider):
    """The other provider's order has a number this provider also uses for an order it cancels:
    asking this provider about it would cancel and refund an order it never had."""
    other = Provider.objects.create(name="Other", api_url=simulator.url, api_key="other-key")
    theirs = sent_order()
    Order.objects.filter(pk=theirs.pk).update(provider=other)
    simulator.force_status(theirs.provider_order_id, OrderStatus.CANCELED)

    report = orders_poll_ids(provider=provider, order_ids=[theirs.pk])
    orders_poll(provider=provider)

    theirs.refresh_from_db()
    assert (theirs.status, theirs.refunded) == (OrderStatus.PENDING, 0)
    assert report.changed == 0
    assert not [r for r in simulator.received if r.action == "status"]
