"""Found by the chaos run: the simulator settled its orders (refunded what a Canceled or Partial
order did not deliver) at one reading of its clock and answered `status` at a later one. An order
that became final in between was answered "Canceled" with its full charge, and the panel, which
stops polling a final order, kept that as the order's cost for good: a provider's `charge` in a
final answer is net of the refund it booked (docs/api-v2.md), and the simulator must say so too.

The clock here jumps at every reading, so any two readings within one call disagree."""

import itertools

from orders.services.cancels_refills import cancels_send, order_request_cancel
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus


def test_a_canceled_order_is_polled_with_the_providers_charge_net_of_the_refund(
    sent_order, provider, simulator, monkeypatch
):
    order = sent_order()
    order_request_cancel(customer=order.customer, order_id=order.pk)
    assert cancels_send().sent == 1  # the simulator cancels it 5 simulated seconds later
    clock = itertools.count(start=2, step=4)  # 2 s: not yet canceled; 6 s: canceled
    monkeypatch.setattr(simulator, "now", lambda: float(next(clock)))

    orders_poll(provider=provider)
    orders_poll(provider=provider)

    order.refresh_from_db()
    snapshot = simulator.order(order.provider_order_id)
    assert order.status == snapshot.status == OrderStatus.CANCELED
    assert snapshot.refunded == snapshot.charge
    assert order.cost == 0
    assert order.refunded == order.charge
