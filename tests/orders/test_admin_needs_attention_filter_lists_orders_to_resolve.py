"""The orders admin's "needs attention" filter lists what an admin must look at, and nothing else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, Submission
from orders.services.cancels_refills import order_request_cancel
from orders.services.forwarding import SENDING_TIMEOUT
from provider.statuses import OrderStatus


@pytest.fixture
def orders(place_order, sent_order) -> dict[str, Order]:
    made = {
        "fresh": place_order(),
        "sent": sent_order(),
        "unknown": place_order(),
        "flagged": sent_order(),
        "stuck_sending": place_order(),
        "sending_now": place_order(),
        "retrying": place_order(),
        "rejected": place_order(),
        "canceled_before_sending": place_order(),
        "completed": sent_order(),
    }
    now = timezone.now()
    Order.objects.filter(pk=made["unknown"].pk).update(submission=Submission.UNKNOWN, flagged=True)
    Order.objects.filter(pk=made["flagged"].pk).update(flagged=True)
    Order.objects.filter(pk=made["stuck_sending"].pk).update(
        submission=Submission.SENDING, claimed_at=now - SENDING_TIMEOUT - timedelta(seconds=1)
    )
    Order.objects.filter(pk=made["sending_now"].pk).update(submission=Submission.SENDING, claimed_at=now)
    Order.objects.filter(pk=made["retrying"].pk).update(
        submit_attempts=1, next_attempt_at=now + timedelta(minutes=1), error="Provider refused for now"
    )
    Order.objects.filter(pk=made["rejected"].pk).update(
        submission=Submission.REJECTED, status=OrderStatus.CANCELED, error="Bad link"
    )
    customer = made["canceled_before_sending"].customer
    order_request_cancel(customer=customer, order_id=made["canceled_before_sending"].pk)
    Order.objects.filter(pk=made["completed"].pk).update(status=OrderStatus.COMPLETED)
    return made


def listed(client, **query) -> set[int]:
    response = client.get(reverse("admin:orders_order_changelist"), query)
    assert response.status_code == 200
    return {order.pk for order in response.context["cl"].result_list}


def names(orders: dict[str, Order], ids: set[int]) -> set[str]:
    return {name for name, order in orders.items() if order.pk in ids}


def test_everything_needing_attention_is_unknown_flagged_or_stuck(client, resolver, orders):
    client.force_login(resolver)
    assert names(orders, listed(client, attention="all")) == {
        "unknown",
        "flagged",
        "stuck_sending",
        "retrying",
    }
    assert len(listed(client)) == len(orders)  # without the filter, every order


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("unknown", {"unknown"}),
        ("flagged", {"unknown", "flagged"}),
        ("stuck", {"stuck_sending", "retrying"}),
        ("rejected", {"rejected"}),
    ],
)
def test_each_choice_lists_its_orders(client, resolver, orders, choice, expected):
    client.force_login(resolver)
    assert names(orders, listed(client, attention=choice)) == expected


def test_the_filter_is_offered_on_the_order_list(client, resolver, orders):
    client.force_login(resolver)
    page = client.get(reverse("admin:orders_order_changelist")).content.decode()
    assert "needs attention" in page and "?attention=unknown" in page
