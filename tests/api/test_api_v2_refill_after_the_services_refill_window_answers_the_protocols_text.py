"""API v2 `refill` of an order past its service's refill window answers
{"error": "Refill period has expired for this order"} (one order, and in its place among many);
nothing is created."""

from datetime import timedelta

from django.utils import timezone

from catalog.models import Service
from orders.models import Order, Refill


def expire(order: Order) -> None:
    Service.objects.filter(pk=order.service_id).update(refill_days=30)
    Order.objects.filter(pk=order.pk).update(completed_at=timezone.now() - timedelta(days=31))


def test_one_order_and_many_orders_get_the_refusal(api, reseller, completed_order):
    old, fresh = completed_order(customer=reseller.customer), completed_order(customer=reseller.customer)
    expire(old)

    one = api({"key": reseller.key, "action": "refill", "order": old.pk}).json()
    many = api({"key": reseller.key, "action": "refill", "orders": f"{old.pk},{fresh.pk}"}).json()

    assert one == {"error": "Refill period has expired for this order"}
    assert many[0] == {"order": old.pk, "refill": {"error": "Refill period has expired for this order"}}
    assert many[1]["order"] == fresh.pk and isinstance(many[1]["refill"], int)
    assert list(Refill.objects.values_list("order_id", flat=True)) == [fresh.pk]
