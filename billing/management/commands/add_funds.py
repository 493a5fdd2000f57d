"""`manage.py add_funds EMAIL AMOUNT`: a deposit by hand, until there is a payment gateway."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from billing.money import money_display, parse_amount
from billing.services import BillingError, ledger_deposit


class Command(BaseCommand):
    help = (
        "Deposit AMOUNT (panel currency, up to 5 decimal places) into the balance of the customer with EMAIL."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("amount")
        parser.add_argument("--reason", default="Added with manage.py add_funds")

    def handle(self, *args, email: str, amount: str, reason: str, **options):
        try:
            value = parse_amount(amount)
        except ValueError as error:
            raise CommandError(f"Bad amount: {error}") from None
        if value <= 0:
            raise CommandError(f"Bad amount: {amount} is not more than zero")
        customer = get_user_model().objects.filter(email=email.strip().lower()).first()
        if customer is None:
            raise CommandError(f"No account with the e-mail address {email}")
        try:
            entry = ledger_deposit(customer=customer, amount=value, created_by=None, reason=reason)
        except BillingError as error:
            raise CommandError(str(error)) from None
        balance = money_display(entry.balance_after)
        self.stdout.write(f"Deposited {money_display(value)} to {customer.email}; balance {balance}")
