"""Accounts made before balances were opened with them get a balance of 0 from migration 0006; a
balance a deposit opened is left as it is, and the ledger audit stays clean."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from billing.audit import ledger_audit
from billing.models import Balance
from billing.services import ledger_deposit
from tests.billing.factories import CustomerFactory

BEFORE = [("billing", "0005_balance_write_off_permission")]
AFTER = [("billing", "0006_balances_for_existing_customers")]


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_migration_0006_opens_the_missing_balances_at_zero_and_keeps_the_others():
    older, funded = CustomerFactory(), CustomerFactory()
    ledger_deposit(customer=funded, amount=Decimal("12.5"), created_by=None, reason="before")
    try:
        _migrate(BEFORE)
        Balance.objects.filter(customer=older).delete()  # as accounts made before 0006 were

        _migrate(AFTER)

        assert Balance.objects.get(customer=older).amount == 0
        assert Balance.objects.get(customer=funded).amount == Decimal("12.5")
        assert ledger_audit() == []
    finally:
        _migrate(AFTER)
