"""Cancel and refill from the orders list: POSTs (htmx swaps the row), shown only where allowed."""

import re

import pytest

from billing.models import EntryKind, LedgerEntry
from orders.models import CancelState, Order, Refill

pytestmark = pytest.mark.django_db


def _row(page: str, order) -> str:
    return re.search(rf'<tr id="order-{order.pk}">.*?</tr>', page, re.S).group(0)


def test_a_queued_order_is_canceled_and_refunded_at_once(logged_in, make_customer, refillable, place):
    customer = make_customer("100")
    order = place(customer, refillable)
    client = logged_in(customer)
    response = client.post(f"/orders/{order.pk}/cancel/", HTTP_HX_REQUEST="true")
    row = response.content.decode()
    assert row.startswith(f'<tr id="order-{order.pk}">')
    assert "Canceled" in row and "refunded" in row
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND, amount=order.charge).exists()
    assert "Canceled before it was sent" in client.get("/transactions/").content.decode()


def test_a_sent_order_gets_a_cancel_request(logged_in, make_customer, refillable, place):
    customer = make_customer()
    order = place(customer, refillable, send=True)
    response = logged_in(customer).post(f"/orders/{order.pk}/cancel/", {"next": "/orders/"})
    assert response.status_code == 302 and response["Location"] == "/orders/"
    assert Order.objects.get(pk=order.pk).cancel_state == CancelState.REQUESTED


def test_a_completed_order_of_a_refill_service_gets_a_refill(logged_in, make_customer, refillable, place):
    customer = make_customer()
    order = place(customer, refillable, send=True)
    Order.objects.filter(pk=order.pk).update(status="Completed", remains=0)
    client = logged_in(customer)
    assert "Refill order" in _row(client.get("/orders/").content.decode(), order)
    row = client.post(f"/orders/{order.pk}/refill/", HTTP_HX_REQUEST="true").content.decode()
    refill = Refill.objects.get(order=order)
    assert f"Refill {refill.pk} of order {order.pk} requested." in row
    assert "Refill order" not in row  # one refill at a time
    assert f"#{refill.pk}" in client.get("/orders/refills/").content.decode()


def test_buttons_appear_only_where_the_service_and_status_allow(logged_in, make_customer, catalog, place):
    no_refill_no_cancel = catalog["Package"].__class__.objects.get(name="Instagram Followers [No refill]")
    customer = make_customer()
    order = place(customer, no_refill_no_cancel, send=True)
    Order.objects.filter(pk=order.pk).update(status="Completed", remains=0)
    row = _row(logged_in(customer).get("/orders/").content.decode(), order)
    assert "/refill/" not in row and "/cancel/" not in row


def test_a_refused_request_says_why_in_the_row(logged_in, make_customer, refillable, place):
    customer = make_customer()
    order = place(customer, refillable, send=True)  # in progress: not refillable yet
    row = logged_in(customer).post(f"/orders/{order.pk}/refill/", HTTP_HX_REQUEST="true").content.decode()
    assert "Only a completed order can be refilled" in row
    assert not Refill.objects.exists()


def test_cancel_and_refill_refuse_get(logged_in, make_customer, refillable, place):
    customer = make_customer()
    order = place(customer, refillable)
    client = logged_in(customer)
    assert client.get(f"/orders/{order.pk}/cancel/").status_code == 405
    assert client.get(f"/orders/{order.pk}/refill/").status_code == 405


def test_the_list_filters_by_status_and_searches_by_id_or_link(logged_in, make_customer, refillable, place):
    customer = make_customer()
    done = place(customer, refillable, send=True)
    Order.objects.filter(pk=done.pk).update(status="Completed", remains=0)
    pending = place(customer, refillable)
    client = logged_in(customer)
    completed = client.get("/orders/", {"status": "Completed"}).content.decode()
    assert f'id="order-{done.pk}"' in completed and f'id="order-{pending.pk}"' not in completed
    by_id = client.get("/orders/", {"q": str(pending.pk)}).content.decode()
    assert f'id="order-{pending.pk}"' in by_id and f'id="order-{done.pk}"' not in by_id
    by_link = client.get("/orders/", {"q": done.link.split("/")[-1]}).content.decode()
    assert f'id="order-{done.pk}"' in by_link


def test_a_row_shows_progress_from_start_count_and_remains(logged_in, make_customer, refillable, place):
    customer = make_customer()
    order = place(customer, refillable, quantity=400, send=True)
    Order.objects.filter(pk=order.pk).update(status="In progress", start_count=1234, remains=100)
    row = _row(logged_in(customer).get("/orders/").content.decode(), order)
    assert '<progress value="300" max="400"' in row
    assert "1234" in row and "100 left" in row


def test_a_swapped_row_sends_its_buttons_back_to_the_page_it_is_on(
    logged_in, make_customer, refillable, place
):
    customer = make_customer()
    order = place(customer, refillable, send=True)
    Order.objects.filter(pk=order.pk).update(status="Completed", remains=0)
    row = (
        logged_in(customer)
        .post(
            f"/orders/{order.pk}/cancel/",
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL="http://testserver/orders/?status=Completed",
        )
        .content.decode()
    )
    assert 'name="next" value="/orders/?status=Completed"' in row
