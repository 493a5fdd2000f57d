"""Each corruption is made with raw SQL, as a bug or a hand edit would; the audit must name it.

Constraints that make a corruption impossible are dropped inside the test's own transaction
(PostgreSQL's DDL is transactional, so they come back when the test rolls back).
"""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from billing.audit import Problem, ledger_audit
from billing.models import EntryKind, LedgerEntry
from billing.services import ledger_adjust, ledger_refund
from tests.billing.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(funded_customer, charged_order):
    """Two customers with deposits, charges, a refund and an adjustment: a clean ledger."""
    alice, bob = funded_customer("10"), funded_customer("20")
    a1, a2 = charged_order(alice, "3"), charged_order(alice, "2")
    b1 = charged_order(bob, "5")
    ledger_refund(order=a1, amount=Decimal("1.5"), reason="Partial")
    ledger_adjust(customer=bob, amount=Decimal("-1"), created_by=None, reason="Fee")
    assert ledger_audit() == []
    return {"alice": alice, "bob": bob, "a1": a1, "a2": a2, "b1": b1}


def _sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def _drop_constraint(table: str, name: str) -> None:
    # Django's foreign keys are deferred; their pending checks must run before an ALTER TABLE.
    _sql("SET CONSTRAINTS ALL IMMEDIATE")
    _sql(f"ALTER TABLE {table} DROP CONSTRAINT {name}")


def _found(problems: list[Problem], text: str, *, customer=None, order=None) -> bool:
    return any(
        text in p.message
        and (customer is None or p.customer_id == customer.pk)
        and (order is None or p.order_id == order.pk)
        for p in problems
    )


def test_a_clean_ledger_has_no_problems_and_the_command_says_ok(ledger, capsys):
    call_command("audit_ledger")
    assert capsys.readouterr().out.strip() == "ledger OK: 2 customers, 7 entries, total 20.50 USD"


def test_an_edited_balance_is_found(ledger):
    _sql("UPDATE billing_balance SET amount = amount + 1 WHERE customer_id = %s", [ledger["alice"].pk])
    problems = ledger_audit()
    assert _found(
        problems, "balance is 7.50000, but its 4 ledger entries sum to 6.50000", customer=ledger["alice"]
    )
    assert _found(problems, "the latest entry", customer=ledger["alice"])
    assert not _found(problems, "", customer=ledger["bob"])


def test_a_missing_deposit_entry_is_found(ledger):
    _sql("DELETE FROM billing_ledgerentry WHERE customer_id = %s AND kind = 'deposit'", [ledger["bob"].pk])
    problems = ledger_audit()
    assert _found(
        problems, "balance is 14.00000, but its 2 ledger entries sum to -6.00000", customer=ledger["bob"]
    )
    assert _found(
        problems, "but the entries up to it sum to -5.00000", customer=ledger["bob"], order=ledger["b1"]
    )


def test_a_missing_charge_entry_is_found(ledger):
    _sql("DELETE FROM billing_ledgerentry WHERE order_id = %s AND kind = 'charge'", [ledger["a2"].pk])
    assert _found(ledger_audit(), "has 0 charge entries, expected 1", order=ledger["a2"])


def test_an_order_saved_without_its_charge_is_found(ledger, service):
    order = OrderFactory(customer=ledger["alice"], service=service, charge=Decimal("1"))
    problems = ledger_audit()
    assert _found(problems, "has 0 charge entries, expected 1", customer=ledger["alice"], order=order)
    assert _found(problems, "charge is 1.00000, but its charge entries sum to 0", order=order)


def test_a_free_order_needs_no_charge_entry(ledger, service):
    OrderFactory(customer=ledger["alice"], service=service, charge=Decimal("0"))
    assert ledger_audit() == []


def test_a_charge_changed_after_the_entry_is_found(ledger):
    _sql("UPDATE orders_order SET charge = charge + 1 WHERE id = %s", [ledger["b1"].pk])
    assert _found(
        ledger_audit(), "charge is 6.00000, but its charge entries sum to -5.00000", order=ledger["b1"]
    )


def test_refunded_edited_on_the_order_is_found(ledger):
    _sql("UPDATE orders_order SET refunded = 2 WHERE id = %s", [ledger["a2"].pk])
    assert _found(ledger_audit(), "refunded is 2.00000, but its refund entries sum to 0", order=ledger["a2"])


def test_a_refund_entry_above_the_charge_is_found(ledger):
    _sql(
        "UPDATE billing_ledgerentry SET amount = 4 WHERE order_id = %s AND kind = 'refund'", [ledger["a1"].pk]
    )
    problems = ledger_audit()
    assert _found(problems, "refunds (4.00000) exceed charges (3.00000)", order=ledger["a1"])
    assert _found(problems, "refunded is 1.50000, but its refund entries sum to 4.00000", order=ledger["a1"])
    assert _found(problems, "but its 4 ledger entries sum to 9.00000", customer=ledger["alice"])


def test_a_second_refund_is_found_even_without_the_unique_constraint(ledger):
    _sql("DROP INDEX ledger_one_charge_one_refund_per_order")  # a conditional unique constraint is an index
    LedgerEntry.objects.create(
        customer=ledger["alice"],
        kind=EntryKind.REFUND,
        amount=Decimal("1"),
        balance_after=Decimal("7.5"),
        order=ledger["a1"],
    )
    problems = ledger_audit()
    assert _found(problems, "has 2 refund entries, expected at most one", order=ledger["a1"])
    assert _found(problems, "refunded is 1.50000, but its refund entries sum to 2.50000", order=ledger["a1"])


def test_a_negative_balance_is_found_even_without_the_check_constraint(ledger):
    _drop_constraint("billing_balance", "balance_never_negative")
    _sql("UPDATE billing_balance SET amount = -1 WHERE customer_id = %s", [ledger["bob"].pk])
    assert _found(ledger_audit(), "balance is negative: -1.00000", customer=ledger["bob"])


def test_entries_without_a_balance_row_count_as_a_balance_of_zero(ledger):
    _sql("DELETE FROM billing_balance WHERE customer_id = %s", [ledger["bob"].pk])
    assert _found(
        ledger_audit(), "no balance row, but its 3 ledger entries sum to 14.00000", customer=ledger["bob"]
    )


def test_a_balance_row_without_entries_must_be_zero(ledger):
    carol = CustomerFactory()
    _sql("UPDATE billing_balance SET amount = 5 WHERE customer_id = %s", [carol.pk])
    assert _found(ledger_audit(), "balance is 5.00000, but its 0 ledger entries sum to 0", customer=carol)


def test_a_wrong_balance_after_on_the_latest_entry_is_found(ledger):
    latest = LedgerEntry.objects.filter(customer=ledger["bob"]).first()
    _sql("UPDATE billing_ledgerentry SET balance_after = balance_after + 1 WHERE id = %s", [latest.pk])
    problems = ledger_audit()
    assert _found(
        problems, f"the latest entry #{latest.pk} says balance_after 15.00000", customer=ledger["bob"]
    )
    assert _found(problems, f"entry #{latest.pk} says balance_after 15.00000", customer=ledger["bob"])


def test_an_entry_moved_to_another_customer_is_found(ledger):
    _sql(
        "UPDATE billing_ledgerentry SET customer_id = %s WHERE order_id = %s",
        [ledger["bob"].pk, ledger["a2"].pk],
    )
    problems = ledger_audit()
    assert _found(problems, "has ledger entries of another customer", order=ledger["a2"])
    assert _found(problems, "but its", customer=ledger["alice"]) and _found(
        problems, "but its", customer=ledger["bob"]
    )


def test_the_command_prints_each_problem_and_exits_with_1(ledger, capsys):
    _sql("UPDATE billing_balance SET amount = amount + 1 WHERE customer_id = %s", [ledger["alice"].pk])
    with pytest.raises(CommandError, match=r"found 2 problem\(s\)") as failed:
        call_command("audit_ledger")
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert f"customer {ledger['alice'].pk}: balance is 7.50000" in out
    assert "ledger OK" not in out


def test_an_edited_debt_is_found(ledger):
    _sql("UPDATE billing_balance SET debt = 3 WHERE customer_id = %s", [ledger["bob"].pk])
    assert _found(
        ledger_audit(),
        "debt is 3.00000, but its ledger entries' debt changes sum to 0",
        customer=ledger["bob"],
    )


def test_a_payment_credited_while_not_paid_is_found(ledger, paid_payment):
    payment = paid_payment(ledger["alice"], "5")
    _sql("UPDATE payments_payment SET state = 'failed' WHERE id = %s", [payment.pk])
    assert _found(
        ledger_audit(), f"payment {payment.pk} is failed with 1 deposit entries", customer=ledger["alice"]
    )


def test_a_second_deposit_of_a_payment_is_found_even_without_the_unique_constraint(ledger, paid_payment):
    payment = paid_payment(ledger["alice"], "5")
    _sql("DROP INDEX ledger_one_deposit_one_bonus_per_payment")
    _sql(
        "INSERT INTO billing_ledgerentry (customer_id, kind, amount, balance_after, payment_id, debt_change, "
        "reason, created_at) "
        "SELECT customer_id, kind, amount, balance_after + amount, payment_id, 0, '', now() "
        "FROM billing_ledgerentry WHERE payment_id = %s AND kind = 'deposit'",
        [payment.pk],
    )
    assert _found(ledger_audit(), f"payment {payment.pk} is paid with 2 deposit entries summing to 10.00000")


def test_a_reversal_above_the_deposit_is_found(ledger, paid_payment):
    payment = paid_payment(ledger["bob"], "5")
    _sql(
        "INSERT INTO billing_ledgerentry (customer_id, kind, amount, balance_after, payment_id, debt_change, "
        "reason, created_at) VALUES (%s, 'reversal', 0, 19, %s, 6, '', now())",
        [ledger["bob"].pk, payment.pk],
    )
    problems = ledger_audit()
    assert _found(problems, f"payment {payment.pk} reversals (6.00000) exceed its deposit (5.00000)")
    assert _found(problems, f"payment {payment.pk} says 0.00000 and 0.00000 of its bonus reversed, but")
