from decimal import Decimal

import pytest

from provider.client import ProviderClient, ProviderRefused
from provider.simulator import Simulator
from provider.statuses import OrderStatus


def test_each_order_takes_its_charge_from_the_balance(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    place(3, quantity=1000)  # 0.90 each

    assert client.balance().amount == Decimal("1000") - 3 * Decimal("0.90")


def test_refunds_of_partial_and_canceled_orders_come_back(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    completed, partial, canceled = place(3, quantity=1000)

    simulator.force_status(completed, OrderStatus.COMPLETED)
    simulator.force_status(partial, OrderStatus.PARTIAL, remains=250)
    simulator.force_status(canceled, OrderStatus.CANCELED)

    refunds = [simulator.order(order_id).refunded for order_id in (completed, partial, canceled)]
    assert refunds == [Decimal(0), Decimal("0.22500"), Decimal("0.90000")]
    assert client.balance().amount == Decimal("1000") - 3 * Decimal("0.90") + sum(refunds)


def test_balance_always_equals_the_start_minus_charges_plus_refunds(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    simulator.partial_share = simulator.cancel_share = 0.3
    place(30, service=3, quantity=777)
    simulator.advance(3600)

    orders = simulator.orders()
    assert client.balance().amount == Decimal(1000) - sum(o.charge for o in orders) + sum(
        o.refunded for o in orders
    )
    assert any(o.refunded for o in orders)


def test_an_order_beyond_the_balance_is_refused_and_takes_nothing(
    client: ProviderClient, simulator: Simulator
) -> None:
    simulator.set_balance(Decimal("0.89999"))

    with pytest.raises(ProviderRefused, match="Not enough funds on balance"):
        client.add(service=1, link="https://x.com/a", quantity=1000)

    assert client.balance().amount == Decimal("0.89999")
