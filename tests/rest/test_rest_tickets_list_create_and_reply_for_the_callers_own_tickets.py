"""`tickets/`: a reseller opens tickets about their own orders, reads the thread and replies;
another customer's ticket and order are refused like ones that do not exist."""

from support.models import Ticket
from tests.rest.conftest import error_of


def test_a_ticket_is_opened_read_and_answered_through_the_api(rest, place_order, reseller):
    order = place_order(customer=reseller.customer)
    created = rest.post(
        "tickets/", {"subject": "order", "request": "speed_up", "orders": [order.pk], "message": "Faster?"}
    )
    assert created.status_code == 201, created.content
    ticket = created.json()
    assert ticket["orders"] == [order.pk] and ticket["state"] == "open"
    assert [m["body"] for m in ticket["messages"]] == ["Faster?"]

    replied = rest.post(f"tickets/{ticket['id']}/reply/", {"message": "Any news?"})
    assert replied.status_code == 201
    assert [m["body"] for m in replied.json()["messages"]] == ["Faster?", "Any news?"]
    assert [t["id"] for t in rest.get("tickets/").json()["results"]] == [ticket["id"]]


def test_another_customers_ticket_and_order_are_refused(rest, make_reseller, as_reseller, place_order):
    other = make_reseller("100")
    theirs = as_reseller(other).post("tickets/", {"subject": "other", "message": "mine"}).json()
    their_order = place_order(customer=other.customer)

    for method, path in [("GET", f"tickets/{theirs['id']}/"), ("POST", f"tickets/{theirs['id']}/reply/")]:
        response = rest(method, path, {"message": "hi"} if method == "POST" else None)
        assert response.status_code == 404 and error_of(response)["code"] == "ticket_not_found"
    assert rest.get("tickets/").json()["results"] == []

    refused = rest.post(
        "tickets/", {"subject": "order", "request": "cancel", "orders": [their_order.pk], "message": "x"}
    )
    assert refused.status_code == 400 and error_of(refused)["field"] == "orders"
    assert Ticket.objects.count() == 1 and Ticket.objects.get().messages.count() == 1
