"""Polling asks for 100 ids a call: 250 orders are three `status` calls, whatever they answer."""

from orders.models import Order
from orders.services.polling import orders_poll
from provider.services import provider_client


def test_polling_250_orders_takes_three_provider_calls(provider, simulator, sent_orders):
    sent_orders(250)
    client = provider_client(provider)
    before = client.calls

    report = orders_poll(provider=provider)

    assert client.calls - before == 3 == report.calls
    asked = [
        received.params["orders"].split(",") for received in simulator.received if received.action == "status"
    ]
    assert sorted((len(ids) for ids in asked), reverse=True) == [100, 100, 50]  # asked at once: any order
    assert report.changed == 250 and report.failed_calls == 0
    assert not Order.objects.filter(last_checked_at__isnull=True).exists()
