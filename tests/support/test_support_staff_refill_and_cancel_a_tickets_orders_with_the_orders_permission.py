"""The ticket's page runs the orders' own refill and cancel on the ticket's orders, for staff with
`orders.request_refill_cancel` only, and never on an order the ticket is not about."""

import pytest
from django.contrib.auth.models import Permission

from orders.models import CancelState, Refill
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_staff(django_user_model):
    """staff(resolve=False): a staff member who may read and answer tickets (and ask for refills and
    cancels), with an authenticator app."""

    def make(resolve: bool = False):
        user = django_user_model.objects.create_user(
            email=f"desk{resolve}@example.com", password="pw", is_staff=True
        )
        codenames = ["view_ticket", "reply_ticket"] + (["request_refill_cancel"] if resolve else [])
        user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
        return with_totp(user)

    return make


def test_refill_needs_its_permission_then_asks_the_orders_refill(
    make_customer, completed_order, open_ticket, signed_in, support_staff
):
    customer = make_customer()
    order = completed_order(customer=customer)
    ticket = open_ticket(customer, order)
    url = f"/admin/support/ticket/{ticket.pk}/orders/{order.pk}/refill/"

    desk = signed_in(support_staff(resolve=False))
    assert b"needs the permission to ask" in desk.get(f"/admin/support/ticket/{ticket.pk}/change/").content
    assert desk.post(url).status_code == 403
    assert not Refill.objects.exists()

    resolver = signed_in(support_staff(resolve=True))
    assert f'action="{url}"'.encode() in resolver.get(f"/admin/support/ticket/{ticket.pk}/change/").content
    assert resolver.get(url).status_code == 405
    assert resolver.post(url).status_code == 302
    assert Refill.objects.filter(order=order).count() == 1
    event = order.events.get(message__startswith="Refill")
    assert event.actor.email == "desktrue@example.com"
    assert "requested by staff (desktrue@example.com) for the customer" in event.message
    resolver.post(url)  # a second click: the orders' rule refuses it (a refill is under way)
    assert Refill.objects.filter(order=order).count() == 1


def test_cancel_reaches_only_the_tickets_own_orders(
    make_customer, sent_order, open_ticket, signed_in, support_staff
):
    customer = make_customer()
    linked, other = sent_order(customer=customer), sent_order(customer=make_customer())
    ticket = open_ticket(customer, linked, request="cancel")
    resolver = signed_in(support_staff(resolve=True))
    resolver.post(f"/admin/support/ticket/{ticket.pk}/orders/{other.pk}/cancel/")
    other.refresh_from_db()
    assert other.cancel_state == CancelState.NONE
    resolver.post(f"/admin/support/ticket/{ticket.pk}/orders/{linked.pk}/cancel/")
    linked.refresh_from_db()
    assert linked.cancel_state == CancelState.REQUESTED
    event = linked.events.get(message__startswith="Cancel requested")
    assert (event.actor.email, event.message) == (
        "desktrue@example.com",
        "Cancel requested by staff (desktrue@example.com) for the customer",
    )
