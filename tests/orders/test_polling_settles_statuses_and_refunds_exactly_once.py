"""docs/design.md rule 5: polling in chunks of 100, final is final, money moves only into Partial/Canceled."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from orders.models import Order, Submission
from orders.services.forwarding import order_submit
from orders.services.placing import order_place
from orders.services.polling import FLAG_AFTER_UNKNOWN_POLLS, orders_apply_statuses, orders_poll
from provider.client import OrderStatusResult, ProviderRefused
from provider.services import provider_client
from provider.statuses import OrderStatus


@pytest.fixture
def sent_orders(make_customer, default_service, new_link, django_capture_on_commit_callbacks):
    """sent_orders(n, customer=None): n orders placed and sent to the simulator."""

    def make(count: int, customer=None, quantity: int | None = None) -> list[Order]:
        customer = customer or make_customer("1000")
        orders = []
        for _ in range(count):
            with django_capture_on_commit_callbacks(execute=False):
                order = order_place(
                    customer=customer,
                    service_id=default_service.pk,
                    params={
                        "link": new_link(),
                        "quantity": str(quantity or default_service.min_quantity * 10),
                    },
                )
            assert order_submit(order_id=order.pk) == Submission.SENT
            order.refresh_from_db()
            orders.append(order)
        return orders

    return make


def balance(customer) -> Decimal:
    return Balance.objects.get(customer=customer).amount


def test_completed_partial_and_canceled_settle_with_exact_refunds(sent_orders, simulator, provider):
    completed, partial, canceled = sent_orders(3)
    customer = completed.customer
    before = balance(customer)
    simulator.force_status(completed.provider_order_id, OrderStatus.COMPLETED, remains=0)
    simulator.force_status(partial.provider_order_id, OrderStatus.PARTIAL, remains=partial.quantity // 3)
    simulator.force_status(canceled.provider_order_id, OrderStatus.CANCELED, remains=canceled.quantity)

    report = orders_poll(provider=provider)
    assert (report.orders, report.calls, report.changed, report.refunds) == (3, 1, 3, 2)

    for order in (completed, partial, canceled):
        order.refresh_from_db()
    assert completed.status == OrderStatus.COMPLETED and completed.refunded == 0
    expected_partial = (partial.charge * (partial.quantity // 3) / partial.quantity).quantize(
        Decimal("0.00001"), rounding="ROUND_DOWN"
    )
    assert partial.status == OrderStatus.PARTIAL and partial.refunded == expected_partial
    assert canceled.status == OrderStatus.CANCELED and canceled.refunded == canceled.charge
    assert balance(customer) == before + expected_partial + canceled.charge
    assert completed.cost is not None  # the provider's charge, kept as our cost
    assert ledger_audit() == []


def test_a_repeated_or_contradictory_answer_never_refunds_twice(sent_orders, simulator, provider):
    (order,) = sent_orders(1)
    simulator.force_status(order.provider_order_id, OrderStatus.CANCELED, remains=order.quantity)
    orders_poll(provider=provider)
    after_first = balance(order.customer)

    # The same answer again, then a contradiction (an earlier status after the final one).
    orders_apply_statuses(
        answers={
            order.pk: OrderStatusResult(OrderStatus.CANCELED, "Canceled", None, 0, order.quantity, "USD")
        }
    )
    orders_apply_statuses(
        answers={order.pk: OrderStatusResult(OrderStatus.IN_PROGRESS, "In progress", None, 0, 5, "USD")}
    )
    orders_apply_statuses(
        answers={order.pk: OrderStatusResult(OrderStatus.PARTIAL, "Partial", None, 0, 5, "USD")}
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert balance(order.customer) == after_first
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1
    assert ledger_audit() == []


@pytest.mark.parametrize("fault", ["http_500", "html", "truncated_json"])
def test_a_failed_poll_changes_nothing_and_the_next_round_applies(
    sent_orders, simulator, provider, set_faults, fault
):
    orders = sent_orders(2)
    for order in orders:
        simulator.force_status(order.provider_order_id, OrderStatus.CANCELED, remains=order.quantity)
    set_faults(**{fault: 1.0})
    report = orders_poll(provider=provider)
    assert report.failed_calls == 1 and report.changed == 0
    assert (
        list(Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True))
        == [OrderStatus.PENDING] * 2
    )
    assert LedgerEntry.objects.filter(kind=EntryKind.REFUND).count() == 0

    set_faults()
    assert orders_poll(provider=provider).refunds == 2
    assert ledger_audit() == []


def test_an_order_the_provider_keeps_calling_unknown_is_flagged_not_dropped(sent_orders):
    (order,) = sent_orders(1)
    refusal = ProviderRefused("Incorrect order ID", permanent=True)
    for _ in range(FLAG_AFTER_UNKNOWN_POLLS):
        orders_apply_statuses(answers={order.pk: refusal})
    order.refresh_from_db()
    assert order.flagged and order.status == OrderStatus.PENDING and order.submission == Submission.SENT
    assert order.unknown_polls == FLAG_AFTER_UNKNOWN_POLLS


def test_an_unknown_status_is_never_taken_as_final(sent_orders):
    (order,) = sent_orders(1)
    orders_apply_statuses(answers={order.pk: OrderStatusResult(None, "Weird", None, None, None, None)})
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.refunded == 0


def test_polling_asks_for_100_orders_a_call(sent_orders, provider, simulator):
    customer_orders = sent_orders(1)
    # 249 more, sent cheaply: the same provider order copied (polling only needs distinct ids).
    template = customer_orders[0]
    Order.objects.bulk_create(
        [
            Order(
                customer=template.customer,
                service=template.service,
                provider=template.provider,
                link=f"{template.link}{i}",
                quantity=template.quantity,
                rate=template.rate,
                charge=Decimal(0),
                submission=Submission.SENT,
                provider_order_id=10_000_000 + i,
            )
            for i in range(249)
        ]
    )
    client = provider_client(provider)
    calls_before = client.calls
    report = orders_poll(provider=provider)
    assert report.orders == 250
    assert client.calls - calls_before == 3


def _answers(orders: list[Order], status: OrderStatus) -> dict:
    return {
        o.pk: OrderStatusResult(status, status.value, Decimal("0.1"), 10, o.quantity // 2, "USD")
        for o in orders
    }


def test_applying_a_chunk_takes_the_same_number_of_queries_for_10_and_100_orders(sent_orders):
    small = sent_orders(1)
    template = small[0]
    many = Order.objects.bulk_create(
        [
            Order(
                customer=template.customer,
                service=template.service,
                provider=template.provider,
                link=f"l{i}",
                quantity=1000,
                rate=template.rate,
                charge=Decimal("1.00000"),
                submission=Submission.SENT,
                provider_order_id=20_000_000 + i,
            )
            for i in range(110)
        ]
    )
    from django.db import transaction

    from billing.services import ledger_charge

    with transaction.atomic():
        for order in many:
            ledger_charge(order=order)
    counts = []
    for chunk in (many[:10], many[10:110]):
        with CaptureQueriesContext(connection) as queries:
            orders_apply_statuses(answers=_answers(chunk, OrderStatus.PARTIAL))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert all(
        order.refunded == Decimal("0.5") for order in Order.objects.filter(pk__in=[o.pk for o in many])
    )
    assert ledger_audit() == []
