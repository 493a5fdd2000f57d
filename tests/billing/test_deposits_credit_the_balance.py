from decimal import Decimal

import pytest

from billing.models import Balance, EntryKind, LedgerEntry
from billing.selectors import balance_amount
from billing.services import BillingError, balance_get_or_create, ledger_deposit
from tests.billing.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_first_deposit_creates_the_balance_and_records_who_and_why(admin_user):
    customer = CustomerFactory()
    entry = ledger_deposit(
        customer=customer, amount=Decimal("12.5"), created_by=admin_user, reason=" Bank transfer "
    )
    assert entry.kind == EntryKind.DEPOSIT
    assert entry.amount == Decimal("12.50000")
    assert entry.balance_after == Decimal("12.50000")
    assert entry.created_by == admin_user
    assert entry.reason == "Bank transfer"
    assert Balance.objects.get(customer=customer).amount == Decimal("12.50000")


def test_deposits_add_up_and_each_entry_keeps_the_balance_after_it():
    customer = CustomerFactory()
    ledger_deposit(customer=customer, amount=Decimal("1.00001"), created_by=None, reason="")
    second = ledger_deposit(customer=customer, amount=Decimal("2"), created_by=None, reason="")
    assert second.balance_after == Decimal("3.00001")
    assert balance_amount(customer_id=customer.pk) == Decimal("3.00001")


@pytest.mark.parametrize("amount", ["0", "-5", "1.000001", "abc", "NaN", "Infinity", "10000000000000"])
def test_a_bad_deposit_is_refused_and_moves_nothing(amount, books):
    customer = CustomerFactory()
    ledger_deposit(customer=customer, amount=Decimal("5"), created_by=None, reason="")
    before = books(customer)
    with pytest.raises(BillingError):
        ledger_deposit(customer=customer, amount=amount, created_by=None, reason="")
    assert books(customer) == before


def test_a_float_is_never_money():
    with pytest.raises(BillingError, match="never a float"):
        ledger_deposit(customer=CustomerFactory(), amount=0.1, created_by=None, reason="")
    assert not LedgerEntry.objects.exists()


def test_a_reason_longer_than_the_ledger_keeps_is_refused():
    with pytest.raises(BillingError, match="longer than 500"):
        ledger_deposit(customer=CustomerFactory(), amount=Decimal(1), created_by=None, reason="x" * 501)
    assert not LedgerEntry.objects.exists()
    assert set(Balance.objects.values_list("amount", flat=True)) == {0}


def test_balance_get_or_create_starts_at_zero_and_returns_the_same_row_later():
    customer = CustomerFactory()
    created = balance_get_or_create(customer_id=customer.pk)
    assert created.amount == 0
    ledger_deposit(customer=customer, amount=Decimal(3), created_by=None, reason="")
    assert balance_get_or_create(customer_id=customer.pk).amount == Decimal(3)
    assert Balance.objects.filter(customer=customer).count() == 1


def test_a_customer_who_never_had_money_has_a_balance_of_zero():
    assert balance_amount(customer_id=CustomerFactory().pk) == Decimal(0)
