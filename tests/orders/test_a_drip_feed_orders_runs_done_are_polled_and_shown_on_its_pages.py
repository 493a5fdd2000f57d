"""Where the provider's `status` reports the runs of a drip-feed order done (`runs`), polling keeps
them and the order page and the orders list show "run 2 of 5"; an order the provider reports no
runs for shows none."""

from orders.models import Submission
from orders.services.forwarding import order_submit
from orders.services.placing import order_place
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus


def test_runs_done_are_polled_and_shown(
    client, make_customer, default_service, new_link, simulator, provider, django_capture_on_commit_callbacks
):
    customer = make_customer("1000")
    params = {"link": new_link(), "quantity": "100", "runs": "5", "interval": "10"}
    with django_capture_on_commit_callbacks(execute=False):
        order = order_place(customer=customer, service_id=default_service.pk, params=params)
    assert order_submit(order_id=order.pk) == Submission.SENT
    order.refresh_from_db()

    # 260 of 500 delivered: two runs of 100 done, the third under way.
    simulator.force_status(order.provider_order_id, OrderStatus.IN_PROGRESS, remains=240)
    orders_poll(provider=provider)

    order.refresh_from_db()
    assert (order.status, order.runs_done) == (OrderStatus.IN_PROGRESS, 2)
    client.force_login(customer)
    assert '<span class="runs">run 2 of 5</span>' in client.get(f"/orders/{order.pk}/").content.decode()
    assert '<span class="runs">Run 2 of 5</span>' in client.get("/orders/").content.decode()


def test_an_order_without_runs_shows_no_run_progress(client, sent_order, simulator, provider):
    order = sent_order()
    simulator.force_status(order.provider_order_id, OrderStatus.IN_PROGRESS, remains=10)
    orders_poll(provider=provider)

    order.refresh_from_db()
    assert order.runs_done is None
    client.force_login(order.customer)
    assert 'class="runs"' not in client.get(f"/orders/{order.pk}/").content.decode()
