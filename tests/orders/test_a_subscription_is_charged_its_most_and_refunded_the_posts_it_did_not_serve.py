"""Subscriptions (docs/design.md, "Settling each type"): charged for `max x posts` when placed;
Active and Paused are under way (never flagged), Expired and Canceled refund the unserved share,
and one that served every post is Completed. Active is how the simulator spells a running one."""

from decimal import ROUND_DOWN, Decimal

import pytest

from billing.models import EntryKind, LedgerEntry
from catalog.models import ServiceType
from orders.models import Submission
from orders.services.forwarding import order_submit
from orders.services.placing import order_place
from orders.services.polling import FLAG_AFTER_UNKNOWN_POLLS, orders_poll
from provider.services import provider_client
from provider.statuses import OrderStatus

_users = iter(range(1, 1000))


@pytest.fixture
def subscription(catalog, make_customer, django_capture_on_commit_callbacks):
    """subscription(): a subscription for max 100 on each of 4 posts, placed and sent."""
    service = catalog[ServiceType.SUBSCRIPTIONS]
    customer = make_customer("1000")

    def make():
        params = {"username": f"user{next(_users)}", "min": "50", "max": "100", "posts": "4"}
        with django_capture_on_commit_callbacks(execute=False):
            order = order_place(customer=customer, service_id=service.pk, params=params)
        assert order_submit(order_id=order.pk) == Submission.SENT
        order.refresh_from_db()
        return order

    return make


def share(charge: Decimal, part: int, whole: int) -> Decimal:
    return (charge * part / whole).quantize(Decimal("0.00001"), rounding=ROUND_DOWN)


def test_a_subscription_is_charged_for_its_most_posts_and_runs_as_active(subscription, simulator, provider):
    order = subscription()
    simulator.advance(10)  # past any wait (8 s at most), before any end (20 s at least)
    assert provider_client(provider).status(order.provider_order_id).raw_status == "Active"
    assert order.quantity == 400  # max x posts
    assert order.charge == (order.rate * 400 / 1000).quantize(Decimal("0.00001"))
    assert simulator.order(order.provider_order_id).params["posts"] == "4"


@pytest.mark.parametrize("raw", ["Active", "Paused"])
def test_active_and_paused_subscriptions_are_under_way_and_never_flagged(
    subscription, simulator, provider, raw
):
    order = subscription()
    simulator.force_status(order.provider_order_id, OrderStatus.IN_PROGRESS, remains=300, raw=raw)
    for _ in range(FLAG_AFTER_UNKNOWN_POLLS + 1):
        orders_poll(provider=provider)
    order.refresh_from_db()
    assert (order.status, order.remains, order.flagged, order.refunded) == (
        OrderStatus.IN_PROGRESS,
        300,
        False,
        0,
    )


def test_an_expired_subscription_refunds_its_unserved_posts(subscription, simulator, provider):
    order = subscription()
    simulator.force_status(order.provider_order_id, OrderStatus.PARTIAL, remains=150)
    assert provider_client(provider).status(order.provider_order_id).raw_status == "Expired"

    orders_poll(provider=provider)
    orders_poll(provider=provider)  # a repeated answer moves no money

    order.refresh_from_db()
    assert (order.status, order.remains) == (OrderStatus.PARTIAL, 150)
    assert order.refunded == share(order.charge, 150, 400)
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1


def test_an_expired_subscription_that_served_every_post_is_completed(subscription, simulator, provider):
    order = subscription()
    simulator.force_status(order.provider_order_id, OrderStatus.PARTIAL, remains=0, raw="Expired")
    orders_poll(provider=provider)
    order.refresh_from_db()
    assert (order.status, order.refunded, order.completed_at is not None) == (OrderStatus.COMPLETED, 0, True)


def test_a_subscription_canceled_after_some_posts_refunds_only_the_rest(subscription, simulator, provider):
    served, unstarted = subscription(), subscription()
    # The provider refunded its half; it still says Canceled, as subscriptions do.
    simulator.force_status(served.provider_order_id, OrderStatus.PARTIAL, remains=200, raw="Canceled")
    simulator.force_status(unstarted.provider_order_id, OrderStatus.CANCELED, remains=400)

    orders_poll(provider=provider)

    served.refresh_from_db()
    unstarted.refresh_from_db()
    assert (served.status, served.refunded) == (OrderStatus.PARTIAL, share(served.charge, 200, 400))
    assert (unstarted.status, unstarted.refunded) == (OrderStatus.CANCELED, unstarted.charge)
