"""Orders of several types go through a real Celery worker to the simulator and settle, to the cent."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from billing.audit import ledger_audit
from billing.models import Balance
from orders.models import Order, Submission
from orders.services.placing import order_place
from orders.tasks import poll_orders
from provider.statuses import OrderStatus
from tests.waiting import wait_for


@pytest.mark.django_db(transaction=True)
def test_orders_of_three_types_are_sent_polled_and_settled_exactly(
    celery_worker, catalog, make_customer, new_link, simulator
):
    customer = make_customer("50")
    default, comments, package = catalog["Default"], catalog["Custom Comments"], catalog["Package"]
    lines = "\n".join(f"great post {i}" for i in range(max(comments.min_quantity, 10)))
    placed = [
        order_place(
            customer=customer,
            service_id=default.pk,
            params={"link": new_link(), "quantity": str(default.min_quantity * 10)},
        ),
        order_place(
            customer=customer, service_id=comments.pk, params={"link": new_link(), "comments": lines}
        ),
        order_place(customer=customer, service_id=package.pk, params={"link": new_link()}),
    ]
    ids = [order.pk for order in placed]
    wait_for(
        lambda: Order.objects.filter(pk__in=ids, submission=Submission.SENT).count() == 3,
        what="the worker to send all three orders",
    )

    default_order, comments_order, package_order = (Order.objects.get(pk=pk) for pk in ids)
    simulator.force_status(
        default_order.provider_order_id, OrderStatus.PARTIAL, remains=default_order.quantity // 4
    )
    simulator.force_status(comments_order.provider_order_id, OrderStatus.COMPLETED, remains=0)
    simulator.force_status(package_order.provider_order_id, OrderStatus.CANCELED, remains=1)

    poll_orders.delay()
    wait_for(
        lambda: (
            Order.objects.filter(pk__in=ids, status__in=["Partial", "Completed", "Canceled"]).count() == 3
        ),
        what="the worker to poll all three to a final status",
    )

    default_order.refresh_from_db()
    partial_refund = (default_order.charge * (default_order.quantity // 4) / default_order.quantity).quantize(
        Decimal("0.00001"), rounding="ROUND_DOWN"
    )
    charged = sum(order.charge for order in placed)
    expected = Decimal("50") - charged + partial_refund + package_order.charge
    assert Balance.objects.get(customer=customer).amount == expected
    assert default_order.refunded == partial_refund
    assert ledger_audit() == []
    call_command("audit_ledger")  # exits 0 on a clean ledger

    links = [snapshot.link for snapshot in simulator.orders()]
    assert sorted(links) == sorted(order.link for order in placed)
