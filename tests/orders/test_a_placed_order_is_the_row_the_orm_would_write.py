"""order_place writes its order, event and charge entry with raw SQL (one statement each, for intake's
speed): the rows are the ones Model.save() would write, every other field at its model's default."""

from datetime import timedelta

from django.utils import timezone

from billing.models import EntryKind, LedgerEntry
from orders.models import Order, OrderEvent
from orders.services.placing import order_place

SET_BY_ORDER_PLACE = {
    "id",
    "customer_id",
    "service_id",
    "provider_id",
    "link",
    "quantity",
    "params",
    "rate",
    "charge",
}


def _defaults_hold(row, skip: set[str]) -> None:
    for field in type(row)._meta.concrete_fields:
        if (
            field.attname in skip
            or getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
        ):
            continue
        assert getattr(row, field.attname) == field.get_default(), field.name


def test_the_order_event_and_charge_rows_are_complete(
    make_customer, catalog, django_capture_on_commit_callbacks
):
    customer = make_customer("1000")
    service = next(iter(catalog.values()))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        placed = order_place(
            customer=customer,
            service_id=service.pk,
            params={"link": "https://instagram.com/p/raw-sql", "quantity": str(service.min_quantity)},
        )
    assert len(queued) == 1  # the submission, on commit

    order = Order.objects.get(pk=placed.pk)
    _defaults_hold(order, SET_BY_ORDER_PLACE)
    assert abs(order.created_at - timezone.now()) < timedelta(minutes=1)
    assert (order.created_at, order.updated_at) == (placed.created_at, placed.updated_at)
    assert (order.link, order.quantity, order.charge, order.rate) == (
        placed.link,
        placed.quantity,
        placed.charge,
        placed.rate,
    )
    assert not placed._state.adding

    (event,) = OrderEvent.objects.filter(order=order)
    assert event.message.startswith(f"Placed; charged {order.charge}")
    assert event.actor_id is None

    entry = LedgerEntry.objects.get(order=order)
    assert (entry.kind, entry.amount, entry.customer_id) == (EntryKind.CHARGE, -order.charge, customer.pk)
    _defaults_hold(entry, {"id", "customer_id", "kind", "amount", "balance_after", "order_id"})
