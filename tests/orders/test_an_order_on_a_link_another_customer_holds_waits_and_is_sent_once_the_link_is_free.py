"""An order on a (service, link) that another customer's active order holds is not refused (that
would tell one customer about another's order and let them block it): it is placed and charged,
waits unsent (the provider would refuse a second active order on the link) and shows as Pending, and
is sent once the holding order is final. The same customer's second active order is still refused."""

import pytest

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from orders.errors import ACTIVE_ORDER_WITH_LINK, OrderRefused
from orders.models import Order, Submission
from orders.selectors import order_progress
from orders.services.cancels_refills import order_request_cancel
from orders.services.forwarding import order_submit, orders_forward, orders_sweep
from orders.services.placing import order_place
from orders.services.polling import orders_poll
from orders.tasks import poll_orders
from provider.statuses import OrderStatus
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def place_on(default_service, django_capture_on_commit_callbacks):
    """place_on(customer, link): an order of the default service on `link`, its submit task dropped."""

    def place(customer, link: str) -> Order:
        with django_capture_on_commit_callbacks(execute=False):
            return order_place(
                customer=customer,
                service_id=default_service.pk,
                params={"link": link, "quantity": str(default_service.min_quantity * 10)},
            )

    return place


def _sent_links(simulator) -> list[str]:
    return [snapshot.link for snapshot in simulator.orders()]


def test_another_customers_order_waits_while_the_link_is_held_and_is_sent_once_it_completes(
    make_customer, place_on, new_link, simulator, provider
):
    holder, latecomer, link = make_customer(), make_customer(), new_link()
    first = place_on(holder, link)
    assert order_submit(order_id=first.pk) == Submission.SENT

    second = place_on(latecomer, link)  # accepted, not refused
    assert second.submission == Submission.WAITING
    assert LedgerEntry.objects.filter(order=second, kind=EntryKind.CHARGE).count() == 1
    assert order_progress(second).status == OrderStatus.PENDING
    # Neither the forwarding run nor a direct submit sends it while the first is active.
    orders_forward(provider_id=provider.pk)
    assert order_submit(order_id=second.pk) is None
    assert _sent_links(simulator) == [link]

    first.refresh_from_db()
    simulator.force_status(first.provider_order_id, OrderStatus.IN_PROGRESS)
    orders_poll(provider=provider)  # still active: still waiting
    assert Order.objects.get(pk=second.pk).submission == Submission.WAITING

    simulator.force_status(first.provider_order_id, OrderStatus.COMPLETED)
    orders_poll(provider=provider)
    assert Order.objects.get(pk=second.pk).submission == Submission.QUEUED  # released by the poll
    orders_forward(provider_id=provider.pk)
    second.refresh_from_db()
    assert second.submission == Submission.SENT
    assert _sent_links(simulator) == [link, link]
    assert ledger_audit() == []


def test_the_same_customers_second_active_order_on_the_link_is_still_refused(
    make_customer, place_on, new_link
):
    holder, latecomer, link = make_customer(), make_customer(), new_link()
    place_on(holder, link)
    with pytest.raises(OrderRefused, match=ACTIVE_ORDER_WITH_LINK):
        place_on(holder, link)
    place_on(latecomer, link)  # waiting; and a waiting order holds the link for its own customer too
    with pytest.raises(OrderRefused, match=ACTIVE_ORDER_WITH_LINK):
        place_on(latecomer, link)
    assert Order.objects.filter(link=link).count() == 2
    assert ledger_audit() == []


def test_waiting_orders_go_one_at_a_time_oldest_first(make_customer, place_on, new_link, simulator, provider):
    link = new_link()
    first = place_on(make_customer(), link)
    order_submit(order_id=first.pk)
    second, third = place_on(make_customer(), link), place_on(make_customer(), link)

    first.refresh_from_db()
    simulator.force_status(first.provider_order_id, OrderStatus.COMPLETED)
    orders_poll(provider=provider)
    orders_forward(provider_id=provider.pk)
    assert Order.objects.get(pk=second.pk).submission == Submission.SENT
    assert Order.objects.get(pk=third.pk).submission == Submission.WAITING  # behind the second now
    assert _sent_links(simulator) == [link, link]


def test_a_holder_canceled_before_sending_frees_the_link_at_the_next_sweep(make_customer, place_on, new_link):
    holder, latecomer, link = make_customer(), make_customer(), new_link()
    first = place_on(holder, link)
    second = place_on(latecomer, link)
    order_request_cancel(customer=holder, order_id=first.pk)  # a final status polling never sees
    _, to_queue = orders_sweep()
    assert second.pk in to_queue
    assert Order.objects.get(pk=second.pk).submission == Submission.QUEUED
    assert ledger_audit() == []


def test_a_waiting_order_canceled_by_its_customer_is_refunded_at_once(
    make_customer, place_on, new_link, simulator
):
    holder, latecomer, link = make_customer(), make_customer(), new_link()
    place_on(holder, link)
    waiting = place_on(latecomer, link)
    order_request_cancel(customer=latecomer, order_id=waiting.pk)
    waiting.refresh_from_db()
    assert waiting.status == OrderStatus.CANCELED and waiting.refunded == waiting.charge
    assert order_progress(waiting).status == OrderStatus.CANCELED
    assert ledger_audit() == []


@pytest.mark.django_db(transaction=True)
def test_through_a_real_worker_the_waiting_order_is_sent_once_the_holder_completes(
    celery_worker, default_service, make_customer, new_link, simulator
):
    def place(customer, link: str) -> Order:  # its submit task queued on commit, for the worker
        params = {"link": link, "quantity": str(default_service.min_quantity * 10)}
        return order_place(customer=customer, service_id=default_service.pk, params=params)

    link = new_link()
    first = place(make_customer(), link)
    wait_for(lambda: Order.objects.get(pk=first.pk).submission == Submission.SENT, what="the first sent")
    second = place(make_customer(), link)
    # An order placed after the waiting one, on a free link: once it is sent, the worker has had
    # its chance to send the waiting one too, and did not.
    other = place(make_customer(), new_link())
    wait_for(lambda: Order.objects.get(pk=other.pk).submission == Submission.SENT, what="the other sent")
    assert Order.objects.get(pk=second.pk).submission == Submission.WAITING
    assert _sent_links(simulator).count(link) == 1

    simulator.force_status(Order.objects.get(pk=first.pk).provider_order_id, OrderStatus.COMPLETED)
    poll_orders.delay()
    wait_for(lambda: Order.objects.get(pk=second.pk).submission == Submission.SENT, what="the second sent")
    assert _sent_links(simulator).count(link) == 2
    assert ledger_audit() == []
