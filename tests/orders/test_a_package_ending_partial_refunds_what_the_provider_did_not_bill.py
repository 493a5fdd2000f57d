"""A package is charged as one unit however many it delivers, so a Partial package refunds the
share of its charge the provider did not bill (docs/design.md, "Settling each type"), not all of
it because `remains` >= 1."""

from decimal import ROUND_DOWN, Decimal

import pytest

from catalog.models import ServiceType
from orders.services.polling import FLAG_AFTER_UNKNOWN_POLLS, orders_apply_statuses, orders_poll
from provider.client import OrderStatusResult
from provider.statuses import OrderStatus


@pytest.fixture
def package_order(sent_order, catalog):
    return lambda: sent_order(service=catalog[ServiceType.PACKAGE])


def unbilled_share(order, billed) -> Decimal:
    return (order.charge * billed.refunded / billed.charge).quantize(Decimal("0.00001"), rounding=ROUND_DOWN)


def test_a_partial_package_refunds_the_share_the_provider_refunded_us(package_order, simulator, provider):
    order = package_order()
    assert order.quantity == 1
    simulator.force_status(order.provider_order_id, OrderStatus.PARTIAL, remains=400)  # of 1000

    orders_poll(provider=provider)

    order.refresh_from_db()
    billed = simulator.order(order.provider_order_id)
    assert billed.refunded == (billed.charge * Decimal("0.4")).quantize(
        Decimal("0.00001"), rounding=ROUND_DOWN
    )
    assert order.status == OrderStatus.PARTIAL
    assert 0 < order.refunded == unbilled_share(order, billed) < order.charge


def test_the_first_charge_seen_on_an_earlier_poll_is_the_whole(package_order, simulator, provider):
    order = package_order()
    simulator.advance(10)  # under way: the provider shows its whole charge
    orders_poll(provider=provider)
    order.refresh_from_db()
    assert order.cost == simulator.order(order.provider_order_id).charge

    simulator.force_status(order.provider_order_id, OrderStatus.PARTIAL, remains=900)
    orders_poll(provider=provider)

    order.refresh_from_db()
    assert order.refunded == unbilled_share(order, simulator.order(order.provider_order_id))


def test_a_partial_package_that_counts_one_unit_refunds_by_remains(package_order):
    whole, none = package_order(), package_order()
    orders_apply_statuses(
        answers={
            whole.pk: OrderStatusResult(OrderStatus.PARTIAL, "Partial", None, 0, 1, "USD"),
            none.pk: OrderStatusResult(OrderStatus.PARTIAL, "Partial", None, 0, 0, "USD"),
        }
    )
    whole.refresh_from_db()
    none.refresh_from_db()
    assert (whole.status, whole.refunded) == (OrderStatus.PARTIAL, whole.charge)
    assert (none.status, none.refunded) == (OrderStatus.PARTIAL, 0)


def test_a_partial_package_with_neither_charge_nor_a_unit_count_waits_and_is_flagged(package_order):
    order = package_order()
    answer = OrderStatusResult(OrderStatus.PARTIAL, "Partial", None, 0, 400, "USD")
    for _ in range(FLAG_AFTER_UNKNOWN_POLLS):
        orders_apply_statuses(answers={order.pk: answer})
    order.refresh_from_db()
    assert (order.status, order.refunded, order.flagged) == (OrderStatus.PENDING, 0, True)


def test_a_stale_answer_showing_a_lower_charge_does_not_shrink_the_first(package_order):
    """A provider refunds only with a final status: a non-final answer with a lower charge is an
    earlier status read again after the refund (the chaos run's contradictions), not the whole."""
    order = package_order()
    whole = order.service.provider_rate
    under_way = OrderStatusResult(OrderStatus.IN_PROGRESS, "In progress", whole, 0, 1, "USD")
    stale = OrderStatusResult(OrderStatus.IN_PROGRESS, "In progress", whole / 4, 0, 1, "USD")
    partial = OrderStatusResult(OrderStatus.PARTIAL, "Partial", whole / 4, 0, 1, "USD")
    for answer in (under_way, stale, partial):
        orders_apply_statuses(answers={order.pk: answer})

    order.refresh_from_db()
    assert order.cost == (whole / 4).quantize(Decimal("0.00001"))  # what it billed us in the end
    expected = (order.charge * Decimal("0.75")).quantize(Decimal("0.00001"), rounding=ROUND_DOWN)
    assert (order.status, order.refunded) == (OrderStatus.PARTIAL, expected)


def test_a_stale_first_answer_after_the_refund_does_not_make_the_whole_smaller(package_order):
    """The first readable answer may already be an earlier status read again after the refund: the
    whole is then never below the service's cost (what the provider lists one package at)."""
    order = package_order()
    listed = order.service.provider_rate
    stale = OrderStatusResult(OrderStatus.IN_PROGRESS, "In progress", listed / 4, 0, 1, "USD")
    partial = OrderStatusResult(OrderStatus.PARTIAL, "Partial", listed / 4, 0, 1, "USD")
    for answer in (stale, partial):
        orders_apply_statuses(answers={order.pk: answer})

    order.refresh_from_db()
    expected = (order.charge * Decimal("0.75")).quantize(Decimal("0.00001"), rounding=ROUND_DOWN)
    assert (order.status, order.refunded) == (OrderStatus.PARTIAL, expected)
