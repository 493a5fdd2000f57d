import subprocess
import sys
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from billing.models import Balance, EntryKind, LedgerEntry
from billing.selectors import balance_amount
from panel.models import User
from tests.conftest import ROOT, child_environment

pytestmark = pytest.mark.django_db


def test_create_customer_makes_an_active_account_that_can_sign_in_with_an_empty_balance(client, capsys):
    call_command("create_customer", " New.Buyer@Example.com ", "--password", "correct-horse-42")
    user = User.objects.get(email="new.buyer@example.com")
    assert user.is_active and not user.is_staff and user.check_password("correct-horse-42")
    assert Balance.objects.get(customer=user).amount == 0
    assert client.login(email="new.buyer@example.com", password="correct-horse-42")
    assert "Created customer new.buyer@example.com" in capsys.readouterr().out


def test_create_customer_marks_the_email_verified_when_allauth_is_installed():
    if not apps.is_installed("allauth.account"):
        pytest.skip("django-allauth's account app is not installed")
    from allauth.account.models import EmailAddress

    call_command("create_customer", "buyer@example.com", "--password", "correct-horse-42")
    address = EmailAddress.objects.get(email="buyer@example.com")
    assert address.verified and address.primary
    assert address.user == User.objects.get(email="buyer@example.com")


def test_create_customer_refuses_an_existing_email_or_a_bad_one():
    call_command("create_customer", "buyer@example.com", "--password", "correct-horse-42")
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_customer", "BUYER@example.com", "--password", "other-horse-42")
    with pytest.raises(CommandError, match="not an e-mail address"):
        call_command("create_customer", "buyer-at-example", "--password", "correct-horse-42")
    assert User.objects.count() == 1


def test_add_funds_deposits_without_a_staff_member_and_prints_the_balance(capsys):
    call_command("create_customer", "buyer@example.com", "--password", "correct-horse-42")
    call_command("add_funds", "buyer@example.com", "10.5", "--reason", "Paid by wire")
    call_command("add_funds", "Buyer@Example.com", "0.00001")
    entries = LedgerEntry.objects.order_by("id")
    assert [(e.kind, e.amount, e.created_by, e.reason) for e in entries] == [
        (EntryKind.DEPOSIT, Decimal("10.5"), None, "Paid by wire"),
        (EntryKind.DEPOSIT, Decimal("0.00001"), None, "Added with manage.py add_funds"),
    ]
    out = capsys.readouterr().out
    assert "balance 10.50 USD" in out and "balance 10.50001 USD" in out


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "not more than zero"),
        ("0", "not more than zero"),
        ("abc", "is not an amount"),
        ("1.000001", "more than 5 decimal places"),
        ("NaN", "is not an amount"),
        ("1e20", "too large"),
    ],
)
def test_add_funds_refuses_a_bad_amount(amount, message):
    call_command("create_customer", "buyer@example.com", "--password", "correct-horse-42")
    with pytest.raises(CommandError, match=message):
        call_command("add_funds", "buyer@example.com", amount)
    assert not LedgerEntry.objects.exists()


def test_add_funds_refuses_an_unknown_customer():
    with pytest.raises(CommandError, match=r"No account with the e-mail address nobody@example\.com"):
        call_command("add_funds", "nobody@example.com", "5")
    assert not Balance.objects.exists()


def _manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_audit_ledger_exits_0_on_sound_books_and_1_on_a_difference(funded_customer, charged_order):
    customer = funded_customer("10")
    charged_order(customer, "4")
    sound = _manage("audit_ledger")
    assert (sound.returncode, sound.stdout.strip()) == (
        0,
        "ledger OK: 1 customers, 2 entries, total 6.00 USD",
    )

    Balance.objects.filter(customer=customer).update(amount=Decimal(7))
    broken = _manage("audit_ledger")
    assert broken.returncode == 1
    assert (
        f"customer {customer.pk}: balance is 7.00000, but its 2 ledger entries sum to 6.00000"
        in broken.stdout
    )
    assert "problem" in broken.stderr
    assert balance_amount(customer_id=customer.pk) == Decimal(7)
