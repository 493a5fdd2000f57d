"""REST `POST /orders/{id}/refill/` past the service's refill window is a 409 with the code
`refill_period_expired` and API v2's text; nothing is created."""

from datetime import timedelta

from django.utils import timezone

from catalog.models import Service
from orders.models import Order, Refill
from tests.rest.conftest import error_of


def test_a_refill_after_the_window_is_refused(rest, reseller, completed_order):
    order = completed_order(customer=reseller.customer)
    Service.objects.filter(pk=order.service_id).update(refill_days=1)
    Order.objects.filter(pk=order.pk).update(completed_at=timezone.now() - timedelta(days=2))

    response = rest.post(f"orders/{order.pk}/refill/")

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "refill_period_expired"
    assert "Refill period has expired" in str(error)
    assert not Refill.objects.exists()
