from django.core.management.base import BaseCommand

from orders.services.cancels_refills import cancels_send, refills_poll, refills_send
from orders.services.polling import orders_poll_all


class Command(BaseCommand):
    help = (
        "One full round of order and refill polling, now, in the foreground (cancels and refills sent first)."
    )

    def handle(self, *args, **options):
        cancels = cancels_send()
        refills = refills_send()
        self.stdout.write(f"cancels forwarded: {cancels.sent}, refused: {cancels.refused}")
        self.stdout.write(f"refills forwarded: {refills.sent}, refused: {refills.refused}")
        for provider, report in orders_poll_all().items():
            if report is None:
                self.stdout.write(f"{provider}: a poll round is already running; skipped")
                continue
            self.stdout.write(
                f"{provider}: {report.orders} orders, {report.calls} calls ({report.failed_calls} failed), "
                f"{report.changed} changed, {report.refunds} refunds, {report.flagged} flagged"
            )
            for error in report.errors:
                self.stderr.write(f"{provider}: {error}")
        self.stdout.write(f"refills changed: {refills_poll()}")
