"""Events go only to the endpoints of the order's own customer, even when one poll chunk moves the
orders of several customers."""

from orders.services.polling import orders_poll
from provider.statuses import OrderStatus


def test_one_chunk_of_two_customers_orders_tells_each_only_of_its_own(
    provider,
    simulator,
    make_customer,
    sent_order,
    make_receiver,
    make_endpoint,
    django_capture_on_commit_callbacks,
):
    mine, theirs = make_customer(), make_customer()
    my_receiver, their_receiver = make_receiver(), make_receiver()
    make_endpoint(mine, my_receiver)
    make_endpoint(theirs, their_receiver)
    my_orders = [sent_order(mine) for _ in range(3)]
    their_orders = [sent_order(theirs) for _ in range(2)]
    for order in my_orders + their_orders:
        simulator.force_status(order.provider_order_id, OrderStatus.IN_PROGRESS)

    with django_capture_on_commit_callbacks(execute=True):
        report = orders_poll(provider=provider)
    assert report.calls == 1 and report.changed == 5

    assert sorted(r.payload["data"]["order"] for r in my_receiver.wait_for(3)) == [o.pk for o in my_orders]
    assert sorted(r.payload["data"]["order"] for r in their_receiver.wait_for(2)) == [
        o.pk for o in their_orders
    ]
    assert len(my_receiver.requests) == 3 and len(their_receiver.requests) == 2
