"""payment_create refuses a blocked customer or address before a payment is made or the gateway is
called, and the Add funds page says why."""

import pytest

from fraud.models import BlockKind
from payments.models import Payment
from payments.services import PaymentRefused

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_blocked_e_mail_starts_no_payment(start_payment, test_gateway, block, make_customer):
    customer = make_customer(funds=0)
    block(BlockKind.EMAIL, customer.email.upper())
    with pytest.raises(PaymentRefused, match="This e-mail address is blocked"):
        start_payment(customer)
    assert not Payment.objects.exists()


def test_a_blocked_address_starts_no_payment(start_payment, block, make_customer):
    block(BlockKind.IP, "2001:db8::/32")
    with pytest.raises(PaymentRefused, match="Requests from your network are blocked"):
        start_payment(make_customer(funds=0), ip="2001:db8:5:6::")
    assert not Payment.objects.exists()


def test_the_add_funds_page_says_why(client, start_payment, block, make_customer):
    customer = make_customer(funds=0)
    block(BlockKind.IP, "127.0.0.1")
    client.force_login(customer)
    page = client.post("/payments/add/", {"method": "test", "amount": "25"})
    assert page.status_code == 200
    assert "Requests from your network are blocked on this panel." in page.content.decode()
    assert not Payment.objects.exists()


def test_a_customer_nothing_blocks_starts_a_payment(start_payment, block, make_customer):
    block(BlockKind.IP, "203.0.113.0/24")
    payment = start_payment(make_customer(funds=0), ip="198.51.100.1")
    assert payment.checkout_url
