"""The order's admin page shows its money (ledger entries) and its history; nobody can add, edit
or delete an order or a ledger entry there, superusers included."""

import pytest
from django.urls import reverse

from billing.models import EntryKind, LedgerEntry
from orders.models import Order, OrderEvent
from orders.services.cancels_refills import order_request_cancel


@pytest.fixture
def superuser(make_staff):
    return make_staff(superuser=True)


def test_the_order_page_shows_its_ledger_entries_and_history(client, resolver, place_order):
    order = place_order()
    order_request_cancel(customer=order.customer, order_id=order.pk)
    client.force_login(resolver)

    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert "ledger entries" in page.lower() and "history" in page.lower()
    for entry in LedgerEntry.objects.filter(order=order):
        assert str(entry.amount) in page
    assert {entry.kind for entry in LedgerEntry.objects.filter(order=order)} == {
        EntryKind.CHARGE,
        EntryKind.REFUND,
    }
    for event in OrderEvent.objects.filter(order=order):
        assert event.message in page
    assert 'name="_save"' not in page  # read-only


def test_an_order_cannot_be_added_edited_or_deleted(client, superuser, place_order):
    order = place_order()
    client.force_login(superuser)
    change = reverse("admin:orders_order_change", args=[order.pk])

    assert client.get(reverse("admin:orders_order_add")).status_code == 403
    assert client.post(change, {"charge": "0", "status": "Completed", "refunded": "0"}).status_code == 403
    assert client.get(reverse("admin:orders_order_delete", args=[order.pk])).status_code == 403
    assert (
        client.post(reverse("admin:orders_order_delete", args=[order.pk]), {"post": "yes"}).status_code == 403
    )
    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "delete_selected", "_selected_action": [order.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)

    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.charge, fresh.status, fresh.refunded) == (order.charge, order.status, order.refunded)


def test_a_ledger_entry_cannot_be_added_edited_or_deleted(client, superuser, place_order):
    order = place_order()
    entry = LedgerEntry.objects.get(order=order, kind=EntryKind.CHARGE)
    client.force_login(superuser)

    assert client.get(reverse("admin:billing_ledgerentry_add")).status_code == 403
    change = reverse("admin:billing_ledgerentry_change", args=[entry.pk])
    assert client.post(change, {"amount": "-0.00001"}).status_code == 403
    assert client.get(reverse("admin:billing_ledgerentry_delete", args=[entry.pk])).status_code == 403
    assert (
        client.post(reverse("admin:billing_ledgerentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )

    fresh = LedgerEntry.objects.get(pk=entry.pk)
    assert (fresh.amount, fresh.balance_after) == (entry.amount, entry.balance_after)
