"""Another customer's ticket is a 404 on every page and action, and changes nothing; an order that
is not the customer's own cannot be named in a ticket."""

import pytest

from support.models import Message, Ticket

pytestmark = pytest.mark.django_db


def test_another_customers_ticket_is_not_found_and_untouched(
    make_customer, place_order, open_ticket, signed_in
):
    owner, other = make_customer(), make_customer()
    ticket = open_ticket(owner, place_order(customer=owner))
    client = signed_in(other)
    assert client.get(f"/support/{ticket.pk}/").status_code == 404
    assert client.post(f"/support/{ticket.pk}/reply/", {"message": "mine now"}).status_code == 404
    assert client.post(f"/support/{ticket.pk}/close/").status_code == 404
    assert f"#{ticket.pk}".encode() not in client.get("/support/").content
    ticket.refresh_from_db()
    assert ticket.state == "open" and Message.objects.filter(ticket=ticket).count() == 1


def test_a_ticket_cannot_name_another_customers_order(make_customer, place_order, signed_in):
    owner, other = make_customer(), make_customer()
    theirs = place_order(customer=other)
    client = signed_in(owner)
    answer = client.post(
        "/support/new/", {"subject": "order", "request": "cancel", "orders": str(theirs.pk), "message": "x"}
    )
    assert answer.status_code == 400
    assert f"You have no order {theirs.pk}.".encode() in answer.content
    assert not Ticket.objects.exists()


def test_a_pages_need_a_login(client):
    for url in ("/support/", "/support/new/", "/support/1/"):
        assert client.get(url).status_code == 302
