import time
from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import Balance, EntryKind, LedgerEntry
from orders.models import Order
from tests.billing.factories import CustomerFactory, ServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CUSTOMERS, ORDERS = 1000, 100_000


def test_the_audit_of_100k_orders_takes_seconds_not_minutes():
    customers = CustomerFactory.create_batch(CUSTOMERS)
    service = ServiceFactory()
    charge, refund = Decimal("1.5"), Decimal("0.5")
    orders = Order.objects.bulk_create(
        [
            Order(
                customer=customers[n % CUSTOMERS],
                service=service,
                provider=service.provider,
                quantity=1000,
                rate=charge,
                charge=charge,
                refunded=refund if n % 3 == 0 else 0,
            )
            for n in range(ORDERS)
        ],
        batch_size=5000,
    )
    balance = {c.pk: Decimal(1000) for c in customers}
    entries = [
        LedgerEntry(customer=c, kind=EntryKind.DEPOSIT, amount=Decimal(1000), balance_after=Decimal(1000))
        for c in customers
    ]
    for order in orders:
        balance[order.customer_id] -= charge
        entries.append(
            LedgerEntry(
                customer_id=order.customer_id,
                kind=EntryKind.CHARGE,
                amount=-charge,
                balance_after=balance[order.customer_id],
                order=order,
            )
        )
    for order in orders[::3]:
        balance[order.customer_id] += refund
        entries.append(
            LedgerEntry(
                customer_id=order.customer_id,
                kind=EntryKind.REFUND,
                amount=refund,
                balance_after=balance[order.customer_id],
                order=order,
            )
        )
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)
    # Each customer's balance row exists from their creation (at 0): set it to what the entries sum to.
    Balance.objects.bulk_update(
        [Balance(customer_id=pk, amount=amount) for pk, amount in balance.items()], ["amount"]
    )

    started = time.monotonic()
    assert ledger_audit() == []
    elapsed = time.monotonic() - started
    print(f"audit of {ORDERS} orders and {len(entries)} entries: {elapsed:.2f} s")
    assert elapsed < 15
