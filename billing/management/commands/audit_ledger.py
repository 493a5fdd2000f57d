"""`manage.py audit_ledger`: exits 1 when the books disagree with themselves (cron, CI, deploys)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from billing.audit import ledger_audit, ledger_summary
from billing.money import money_display


class Command(BaseCommand):
    help = (
        "Check that every balance equals its ledger and every order is charged once, refunded at most once."
    )

    def handle(self, *args, **options):
        problems = ledger_audit()
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise CommandError(f"ledger audit found {len(problems)} problem(s)")
        books = ledger_summary()
        total = money_display(books.total)
        self.stdout.write(f"ledger OK: {books.customers} customers, {books.entries} entries, total {total}")
