from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.audit import ledger_audit
from billing.models import EntryKind, LedgerEntry
from billing.selectors import balance_amount
from billing.services import BillingError, ledger_refund, ledger_refund_many
from orders.models import Order

pytestmark = pytest.mark.django_db


def _queries_to_refund(orders: list[Order]) -> int:
    with CaptureQueriesContext(connection) as captured:
        entries = ledger_refund_many(refunds=[(order, Decimal("0.5"), "Partial") for order in orders])
    assert len(entries) == len(orders)
    return len(captured)


def test_refunding_100_orders_takes_as_many_queries_as_refunding_10(funded_customer, charged_order):
    # Several customers, several orders each: the per-customer and per-order work must be batched.
    customers = [funded_customer("1000") for _ in range(7)]
    orders = [charged_order(customers[i % 7], "2") for i in range(110)]
    ten, hundred = _queries_to_refund(orders[:10]), _queries_to_refund(orders[10:])
    assert ten == hundred
    assert hundred <= 6
    assert ledger_audit() == []


def test_each_order_gets_its_refund_and_its_customer_the_money(funded_customer, charged_order):
    alice, bob = funded_customer("10"), funded_customer("10")
    a1, a2, b1 = charged_order(alice, "4"), charged_order(alice, "3"), charged_order(bob, "5")
    entries = ledger_refund_many(
        refunds=[
            (b1, Decimal("5"), "Canceled"),
            (a2, Decimal("1.5"), "Partial"),
            (a1, Decimal("4"), "Canceled"),
        ]
    )
    assert [(e.order_id, e.amount) for e in entries] == [
        (a1.pk, Decimal(4)),
        (a2.pk, Decimal("1.5")),
        (b1.pk, 5),
    ]
    assert balance_amount(customer_id=alice.pk) == Decimal("8.5")
    assert balance_amount(customer_id=bob.pk) == Decimal("10")
    assert {o.pk: o.refunded for o in Order.objects.all()} == {a1.pk: 4, a2.pk: Decimal("1.5"), b1.pk: 5}
    assert (a1.refunded, a2.refunded, b1.refunded) == (4, Decimal("1.5"), 5)  # the objects passed, too
    assert ledger_audit() == []


def test_two_refunds_of_one_customer_carry_successive_balances(funded_customer, charged_order):
    customer = funded_customer("10")
    first, second = charged_order(customer, "4"), charged_order(customer, "3")  # balance 3
    entries = ledger_refund_many(
        refunds=[(first, Decimal("1"), "Partial"), (second, Decimal("2"), "Partial")]
    )
    assert [e.balance_after for e in entries] == [Decimal(4), Decimal(6)]
    latest = LedgerEntry.objects.filter(customer=customer).first()
    assert latest.balance_after == balance_amount(customer_id=customer.pk) == Decimal(6)
    assert ledger_audit() == []


def test_orders_refunded_before_are_skipped(funded_customer, charged_order):
    customer = funded_customer("10")
    done, fresh = charged_order(customer, "4"), charged_order(customer, "3")
    ledger_refund(order=done, amount=Decimal("4"), reason="Canceled")
    entries = ledger_refund_many(
        refunds=[(done, Decimal("4"), "Canceled"), (fresh, Decimal("3"), "Canceled")]
    )
    assert [e.order_id for e in entries] == [fresh.pk]
    assert LedgerEntry.objects.filter(order=done, kind=EntryKind.REFUND).count() == 1
    assert balance_amount(customer_id=customer.pk) == Decimal(10)
    assert ledger_audit() == []


def test_an_order_named_twice_in_a_chunk_is_refunded_once(funded_customer, charged_order):
    customer = funded_customer("10")
    order = charged_order(customer, "4")
    entries = ledger_refund_many(refunds=[(order, Decimal("1"), "Partial"), (order, Decimal("1"), "Partial")])
    assert len(entries) == 1
    assert balance_amount(customer_id=customer.pk) == Decimal(7)


def test_zero_amounts_are_skipped_and_an_empty_chunk_costs_no_query(funded_customer, charged_order):
    order = charged_order(funded_customer("10"), "4")
    with CaptureQueriesContext(connection) as captured:
        assert ledger_refund_many(refunds=[(order, Decimal(0), "Nothing undelivered")]) == []
        assert ledger_refund_many(refunds=[]) == []
    assert len(captured) == 0


def test_one_bad_refund_refuses_the_whole_chunk(funded_customer, charged_order, books):
    customer = funded_customer("10")
    good, bad = charged_order(customer, "4"), charged_order(customer, "3")
    before = books(customer)
    with pytest.raises(BillingError, match=f"order {bad.pk}"):
        ledger_refund_many(refunds=[(good, Decimal("4"), "Canceled"), (bad, Decimal("3.5"), "Too much")])
    assert books(customer) == before
