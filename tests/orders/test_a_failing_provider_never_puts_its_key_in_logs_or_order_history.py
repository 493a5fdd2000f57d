"""Whatever a provider does wrong while orders are sent, polled or canceled, its API key ends up in
no log line, no order error and no order event."""

import logging

from orders.models import Order, OrderEvent
from orders.services.cancels_refills import cancels_send, order_request_cancel
from orders.services.forwarding import order_submit
from orders.services.polling import orders_poll
from provider.models import Provider


def test_no_failure_shows_the_key(place_order, sent_order, set_faults, provider, caplog):
    caplog.set_level(logging.DEBUG)
    key = provider.api_key
    running = sent_order()
    order_request_cancel(customer=running.customer, order_id=running.pk)

    for faults in (
        {"http_500": 1.0},
        {"html": 1.0},
        {"truncated_json": 1.0},
        {"refusal": 1.0, "refusal_permanent": 0.0},
        {"refusal": 1.0, "refusal_permanent": 1.0},
        {"add_accepted_late": 1.0, "late_delay": 1.5},
    ):
        set_faults(**faults)
        order_submit(order_id=place_order().pk)
        orders_poll(provider=provider)
        cancels_send()
    set_faults()
    Provider.objects.filter(pk=provider.pk).update(api_url="http://127.0.0.1:9/api/v2")
    provider.refresh_from_db()
    order_submit(order_id=place_order().pk)
    orders_poll(provider=provider)
    cancels_send()

    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    assert "Provider not reached" in logged and "HTTP 500" in logged  # the failures were logged...
    assert key not in logged  # ...without the key
    errors = list(Order.objects.exclude(error="").values_list("error", flat=True))
    assert len(errors) >= 6
    assert not any(key in error for error in errors)
    assert not OrderEvent.objects.filter(message__contains=key).exists()
