import uuid
from decimal import Decimal

import pytest

from billing.models import EntryKind
from billing.selectors import balance_amount
from billing.services import AlreadyRecorded, BillingError, InsufficientFunds, ledger_adjust
from tests.billing.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_positive_adjustment_credits_and_a_negative_one_debits(funded_customer, admin_user):
    customer = funded_customer("10")
    up = ledger_adjust(customer=customer, amount=Decimal("2.5"), created_by=admin_user, reason="Goodwill")
    down = ledger_adjust(
        customer=customer, amount=Decimal("-12.5"), created_by=admin_user, reason="Chargeback"
    )
    assert (up.kind, up.amount, up.balance_after) == (EntryKind.ADJUSTMENT, Decimal("2.5"), Decimal("12.5"))
    assert (down.amount, down.balance_after) == (Decimal("-12.5"), Decimal(0))
    assert down.created_by == admin_user and down.reason == "Chargeback"
    assert balance_amount(customer_id=customer.pk) == 0


def test_an_adjustment_below_zero_is_refused_with_not_enough_funds_and_moves_nothing(funded_customer, books):
    customer = funded_customer("10")
    before = books(customer)
    with pytest.raises(InsufficientFunds) as refused:
        ledger_adjust(customer=customer, amount=Decimal("-10.00001"), created_by=None, reason="Too much")
    assert str(refused.value) == "Not enough funds on balance"
    assert books(customer) == before


def test_a_negative_adjustment_of_a_customer_without_a_balance_is_refused(books):
    customer = CustomerFactory()
    with pytest.raises(InsufficientFunds):
        ledger_adjust(customer=customer, amount=Decimal("-1"), created_by=None, reason="No money")
    assert books(customer) == (Decimal(0), [], [])


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_adjustment_without_a_reason_is_refused(funded_customer, books, reason):
    customer = funded_customer("10")
    before = books(customer)
    with pytest.raises(BillingError, match="reason is required"):
        ledger_adjust(customer=customer, amount=Decimal("1"), created_by=None, reason=reason)
    assert books(customer) == before


@pytest.mark.parametrize("amount", ["0", "0.00000", "0.000001", "x"])
def test_a_zero_or_malformed_adjustment_is_refused(funded_customer, books, amount):
    customer = funded_customer("10")
    before = books(customer)
    with pytest.raises(BillingError):
        ledger_adjust(customer=customer, amount=amount, created_by=None, reason="Oops")
    assert books(customer) == before


def test_a_second_submit_of_a_debit_the_balance_no_longer_covers_says_it_was_recorded(funded_customer, books):
    # The form sent twice: the first took the balance below the amount, so the second fails the
    # funds check before it meets its token; it is still the same movement, already recorded.
    customer = funded_customer("10")
    token = uuid.uuid4()
    first = ledger_adjust(
        customer=customer, amount=Decimal("-6"), created_by=None, reason="Chargeback", request_token=token
    )
    before = books(customer)
    with pytest.raises(AlreadyRecorded) as again:
        ledger_adjust(
            customer=customer, amount=Decimal("-6"), created_by=None, reason="Chargeback", request_token=token
        )
    assert again.value.entry == first
    assert books(customer) == before
