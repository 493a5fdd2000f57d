"""A provider's status answer with a number no column can hold (or that is no number: NaN, a list,
an object, a negative charge) flags that order for an admin and applies nothing of it; the other
orders of its chunk settle as answered, and later rounds are not held up by it."""

import pytest

from orders.models import Order, OrderEvent
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus

HOSTILE = [
    {"charge": 1e20},
    {"charge": "1e30"},
    {"charge": -1000},
    {"start_count": 99999999999999999999},
    {"start_count": -5},
    {"remains": 99999999999999999999},
    {"charge": "NaN"},
    {"charge": [1]},
    {"start_count": {"a": 1}},
]


@pytest.fixture
def orders_at_scripted(sent_order, provider, scripted) -> list[Order]:
    """Orders sent to the simulator, whose provider then answers through `scripted`."""
    orders = [sent_order() for _ in range(len(HOSTILE) + 2)]
    provider.api_url = scripted.url
    provider.save(update_fields=["api_url"])
    return orders


def test_hostile_numbers_flag_their_orders_and_the_others_complete(orders_at_scripted, provider, scripted):
    *hostile, fine, later = orders_at_scripted
    answer = {
        str(order.provider_order_id): {"status": "Completed", "remains": "0", "charge": "0.5", **numbers}
        for order, numbers in zip(hostile, HOSTILE, strict=True)
    }
    answer[str(fine.provider_order_id)] = {"status": "Completed", "remains": "0", "charge": "0.5"}
    answer[str(later.provider_order_id)] = {"status": "In progress", "remains": "10", "charge": "0.1"}
    scripted.reply(answer)

    report = orders_poll(provider=provider)
    report_again = orders_poll(provider=provider)

    assert (report.failed_calls, report.flagged, report_again.flagged) == (0, len(HOSTILE), 0)
    fine.refresh_from_db()
    later.refresh_from_db()
    assert (fine.status, str(fine.cost)) == (OrderStatus.COMPLETED, "0.50000")
    assert (later.status, later.remains) == (OrderStatus.IN_PROGRESS, 10)
    for order in hostile:
        before = (order.status, order.cost, order.start_count, order.remains)
        order.refresh_from_db()
        assert order.flagged
        assert (order.status, order.cost, order.start_count, order.remains) == before
        assert (
            OrderEvent.objects.filter(
                order=order, message__startswith="Flagged: the provider answered"
            ).count()
            == 1
        )


def test_a_charge_within_bounds_but_not_in_our_currency_flags_the_order(
    orders_at_scripted, provider, scripted
):
    order, *_ = orders_at_scripted
    provider.currency_factor = 1000
    provider.save(update_fields=["currency_factor"])
    scripted.reply(
        {str(order.provider_order_id): {"status": "Completed", "remains": "0", "charge": "9999999999999"}}
    )

    orders_poll(provider=provider)

    order.refresh_from_db()
    assert order.flagged and order.status != OrderStatus.COMPLETED and order.cost is None
