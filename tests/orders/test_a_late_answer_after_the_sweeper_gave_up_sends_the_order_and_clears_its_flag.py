"""docs/design.md rules 3-4, found by the stateful property test: the sweeper calls an order unknown
(and flags it for an admin) when its sending worker is silent past the timeout. If the provider's
answer then arrives after all, the order is sent and nothing is left to resolve: it must not stay
flagged among the orders needing attention, where an admin might cancel and refund an order the
provider is delivering."""

from datetime import timedelta
from unittest.mock import patch

from orders.models import Order, Submission
from orders.services import forwarding
from orders.services.forwarding import order_submit, orders_sweep
from provider.client import ProviderClient


def test_the_late_answer_sends_the_order_and_clears_the_sweepers_flag(place_order, simulator, monkeypatch):
    order = place_order()
    real_add = ProviderClient.add

    def add_outliving_the_sweepers_patience(client, **params):
        with patch.object(forwarding, "SENDING_TIMEOUT", timedelta(0)):
            assert orders_sweep()[0] == 1
        swept = Order.objects.get(pk=order.pk)
        assert (swept.submission, swept.flagged) == (Submission.UNKNOWN, True)
        return real_add(client, **params)

    monkeypatch.setattr(ProviderClient, "add", add_outliving_the_sweepers_patience)

    assert order_submit(order_id=order.pk) == Submission.SENT

    order.refresh_from_db()
    assert order.submission == Submission.SENT
    assert order.provider_order_id == simulator.orders()[0].order_id
    assert not order.flagged
    assert order.error == ""
