"""Order intake's raw SQL sits behind named manager methods: `Order.objects.lock_link` holds the
(service, link) lock in its own namespace until the transaction ends, and `insert_placed` writes an
order with its first event in one statement: nothing when the customer already has an active order on
the link, a waiting order when only another customer's holds it."""

from decimal import Decimal

from django.db import connection, transaction

from orders.locks import LockNamespace
from orders.models import Order, OrderEvent, Submission
from provider.statuses import OrderStatus


def _unsaved(customer, service, link: str) -> tuple[Order, OrderEvent]:
    order = Order(
        customer=customer,
        service=service,
        provider_id=service.provider_id,
        link=link,
        quantity=service.min_quantity,
        rate=Decimal("1"),
        charge=Decimal("1"),
    )
    return order, OrderEvent(order=order, message="Placed")


def _advisory_locks_held() -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT classid::int, objid::bigint FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objsubid = 2"
        )
        return cursor.fetchall()


def test_lock_link_holds_the_links_lock_in_its_namespace_until_the_transaction_ends(
    transactional_db, default_service
):
    with transaction.atomic():
        Order.objects.lock_link(service_id=default_service.pk, link="https://instagram.com/p/locked")
        (held,) = _advisory_locks_held()
        assert held[0] == LockNamespace.ORDER_LINK
    assert _advisory_locks_held() == []


def test_insert_placed_writes_the_order_and_its_first_event(make_customer, default_service, new_link):
    order, event = _unsaved(make_customer("0"), default_service, new_link())
    assert Order.objects.insert_placed(order, event=event, one_per_link=True) is True
    assert order.pk is not None and not order._state.adding
    assert order.submission == Submission.QUEUED == Order.objects.get(pk=order.pk).submission
    assert list(OrderEvent.objects.filter(order_id=order.pk).values_list("message", flat=True)) == ["Placed"]


def test_insert_placed_writes_nothing_for_a_link_with_an_active_order(
    make_customer, default_service, new_link
):
    customer, link = make_customer("0"), new_link()
    first, first_event = _unsaved(customer, default_service, link)
    Order.objects.insert_placed(first, event=first_event, one_per_link=True)

    second, second_event = _unsaved(customer, default_service, link)
    assert Order.objects.insert_placed(second, event=second_event, one_per_link=True) is False
    assert second.pk is None
    assert Order.objects.filter(link=link).count() == 1 and OrderEvent.objects.count() == 1

    # A final order does not count; nor does the rule where it is off.
    Order.objects.filter(pk=first.pk).update(status=OrderStatus.COMPLETED)
    assert Order.objects.insert_placed(second, event=second_event, one_per_link=True) is True
    third, third_event = _unsaved(customer, default_service, link)
    assert Order.objects.insert_placed(third, event=third_event, one_per_link=False) is True


def test_insert_placed_writes_a_waiting_order_when_another_customer_holds_the_link(
    make_customer, default_service, new_link
):
    link = new_link()
    first, first_event = _unsaved(make_customer("0"), default_service, link)
    Order.objects.insert_placed(first, event=first_event, one_per_link=True)
    second, second_event = _unsaved(make_customer("0"), default_service, link)
    assert Order.objects.insert_placed(second, event=second_event, one_per_link=True) is True
    assert second.submission == Submission.WAITING == Order.objects.get(pk=second.pk).submission
    assert OrderEvent.objects.filter(order_id=second.pk).count() == 1
