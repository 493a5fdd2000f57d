"""Accounts made before balances were opened with them get a balance of 0 from migration 0006; a
balance a deposit opened is left as it is, and the ledger audit stays clean."""

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import Balance
from billing.services import ledger_deposit
from tests.billing.factories import CustomerFactory
from tests.migrating import migrate_to, migrate_to_latest

BEFORE = [("billing", "0005_balance_write_off_permission")]
AFTER = [("billing", "0006_balances_for_existing_customers")]


@pytest.mark.django_db(transaction=True)
def test_migration_0006_opens_the_missing_balances_at_zero_and_keeps_the_others():
    older, funded = CustomerFactory(), CustomerFactory()
    ledger_deposit(customer=funded, amount=Decimal("12.5"), created_by=None, reason="before")
    try:
        migrate_to(BEFORE)
        Balance.objects.filter(customer=older).delete()  # as accounts made before 0006 were

        migrate_to(AFTER)

        assert Balance.objects.get(customer=older).amount == 0
        assert Balance.objects.get(customer=funded).amount == Decimal("12.5")
        assert ledger_audit() == []
    finally:
        migrate_to_latest()
