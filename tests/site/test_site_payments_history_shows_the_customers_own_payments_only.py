"""The payments history: the customer's own payments, newest first, each with its state; a payment
left half-way can be resumed; a debt is said plainly; another customer's payment is never shown."""

import pytest

from billing.models import Balance
from payments.models import Payment, PaymentState

pytestmark = pytest.mark.django_db


def _payment(customer, state: str, amount: str = "10", **fields) -> Payment:
    return Payment.objects.create(
        customer=customer,
        gateway="test",
        amount=amount,
        pay_amount=amount,
        pay_currency="USD",
        state=state,
        gateway_payment_id=f"tp_{Payment.objects.count() + 1}",
        **fields,
    )


def test_the_history_lists_own_payments_newest_first_with_their_states(logged_in, make_customer):
    customer, stranger = make_customer("0"), make_customer("0")
    paid = _payment(customer, PaymentState.PAID, "25", bonus="2.5")
    open_ = _payment(customer, PaymentState.CREATED, checkout_url="http://127.0.0.1:9/pay/tp_open")
    theirs = _payment(stranger, PaymentState.CREATED, checkout_url="http://127.0.0.1:9/pay/tp_theirs")
    page = logged_in(customer).get("/payments/").content.decode()
    assert page.index(f'id="payment-{open_.pk}"') < page.index(f'id="payment-{paid.pk}"')
    assert f'id="payment-{theirs.pk}"' not in page and "tp_theirs" not in page
    assert 'data-status="paid">Paid<' in page and 'data-status="created">Created<' in page
    assert 'href="http://127.0.0.1:9/pay/tp_open"' in page and "Continue paying" in page
    assert page.count("Continue paying") == 1  # the paid one is not resumed
    assert "+2.50 USD" in page and "Test gateway (no real money)" in page


def test_a_debt_is_said_plainly(logged_in, make_customer):
    customer = make_customer("0")
    Balance.objects.filter(customer=customer).update(debt="7.5")
    Balance.objects.get_or_create(customer=customer, defaults={"debt": "7.5"})
    page = logged_in(customer).get("/payments/").content.decode()
    assert "You owe 7.50 USD" in page and "New orders are refused until it is settled" in page
    assert "You owe" not in logged_in(make_customer("0")).get("/payments/").content.decode()


def test_another_customers_payment_cannot_be_returned_to(logged_in, make_customer):
    theirs = _payment(make_customer("0"), PaymentState.CREATED)
    assert logged_in(make_customer("0")).get(f"/payments/{theirs.pk}/back/").status_code == 404
