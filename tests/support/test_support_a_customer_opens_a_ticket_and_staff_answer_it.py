"""A ticket's life: opened (the admins e-mailed), answered by staff (the customer e-mailed, the
menu's badge counts it until read), reopened by the customer's reply, closed; bad input changes
nothing; messages are shown as text, never as HTML."""

import pytest
from django.core import mail

from support.models import CannedReply, Ticket
from support.services import MAX_OPEN_TICKETS
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return with_totp(
        django_user_model.objects.create_superuser(email="staff@example.com", password="pw-staff-123")
    )


def test_the_thread_goes_both_ways_with_emails_and_the_unread_badge(
    make_customer, place_order, open_ticket, signed_in, staff, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = [("Admin", "alerts@example.com")]
    customer = make_customer()
    order = place_order(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(customer, order)
    assert [m.to for m in mail.outbox] == [["alerts@example.com"]]
    assert f"/admin/support/ticket/{ticket.pk}/change/" in mail.outbox[0].body
    assert ticket.title == "Order: refill" and list(ticket.orders.all()) == [order]

    admin = signed_in(staff)
    page = admin.get(f"/admin/support/ticket/{ticket.pk}/change/")
    assert page.status_code == 200 and b"Please refill it" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            admin.post(f"/admin/support/ticket/{ticket.pk}/reply/", {"message": "Refill started"}).status_code
            == 302
        )
    assert mail.outbox[-1].to == [customer.email]
    assert f"/support/{ticket.pk}/" in mail.outbox[-1].body and "Refill started" in mail.outbox[-1].body
    ticket.refresh_from_db()
    assert ticket.state == "answered"

    client = signed_in(customer)
    assert b'class="nav-count"' in client.get("/dashboard/").content
    assert b"Refill started" in client.get(f"/support/{ticket.pk}/").content
    assert b'class="nav-count"' not in client.get("/dashboard/").content

    client.post(f"/support/{ticket.pk}/close/")
    ticket.refresh_from_db()
    assert ticket.state == "closed"
    client.post(f"/support/{ticket.pk}/reply/", {"message": "It dropped again"})
    ticket.refresh_from_db()
    assert ticket.state == "open" and ticket.unread_by_staff


def test_an_empty_staff_reply_sends_the_picked_canned_reply(
    make_customer, place_order, open_ticket, signed_in, staff
):
    customer = make_customer()
    ticket = open_ticket(customer, place_order(customer=customer))
    canned = CannedReply.objects.create(title="Refill started", body="We started a refill.")
    admin = signed_in(staff)
    assert b"We started a refill." in admin.get(f"/admin/support/ticket/{ticket.pk}/change/").content
    admin.post(f"/admin/support/ticket/{ticket.pk}/reply/", {"message": "", "canned": str(canned.pk)})
    assert ticket.messages.last().body == "We started a refill."


def test_messages_are_shown_as_text(make_customer, signed_in, staff):
    customer = make_customer()
    client = signed_in(customer)
    client.post("/support/new/", {"subject": "other", "message": "<script>alert(1)</script>\nline two"})
    ticket = Ticket.objects.get()
    page = client.get(f"/support/{ticket.pk}/").content
    assert b"<script>alert(1)" not in page and b"&lt;script&gt;alert(1)&lt;/script&gt;<br>line two" in page
    admin_page = signed_in(staff).get(f"/admin/support/ticket/{ticket.pk}/change/").content
    assert b"<script>alert(1)" not in admin_page and b"&lt;script&gt;" in admin_page


@pytest.mark.parametrize(
    ("form", "error"),
    [
        (
            {"subject": "order", "request": "refill", "orders": "", "message": "x"},
            b"Give the ids of the orders",
        ),
        ({"subject": "order", "request": "", "orders": "1", "message": "x"}, b"Choose what you ask for."),
        (
            {"subject": "order", "request": "refill", "orders": "1; drop", "message": "x"},
            b"is not an order id.",
        ),
        ({"subject": "nonsense", "message": "x"}, b"Choose a subject."),
        ({"subject": "payment", "message": "   "}, b"Write a message."),
        ({"subject": "payment", "message": "x" * 5001}, b"at most 5000 characters"),
    ],
)
def test_bad_input_is_refused_clearly_and_opens_nothing(make_customer, signed_in, form, error):
    answer = signed_in(make_customer()).post("/support/new/", form)
    assert answer.status_code == 400 and error in answer.content
    assert not Ticket.objects.exists()


def test_opening_tickets_is_rate_limited_and_capped(make_customer, signed_in, settings):
    settings.SUPPORT_TICKETS_PER_MINUTE = 2
    client = signed_in(make_customer())
    for _ in range(2):
        assert client.post("/support/new/", {"subject": "other", "message": "hello"}).status_code == 302
    answer = client.post("/support/new/", {"subject": "other", "message": "hello"})
    assert answer.status_code == 429 and b"Too many new tickets" in answer.content
    assert Ticket.objects.count() == 2


def test_a_customer_with_many_open_tickets_closes_one_first(make_customer, signed_in, settings):
    settings.SUPPORT_TICKETS_PER_MINUTE = 100
    client = signed_in(make_customer())
    for _ in range(MAX_OPEN_TICKETS):
        client.post("/support/new/", {"subject": "other", "message": "hello"})
    answer = client.post("/support/new/", {"subject": "other", "message": "hello"})
    assert answer.status_code == 400 and b"close one that is settled" in answer.content
