"""System checks of the orders app's settings (`manage.py check` runs them, and every command)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def provider_calls_end_before_the_sweeper_gives_up(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A provider call lasts PROVIDER_CONNECT_TIMEOUT + PROVIDER_READ_TIMEOUT at most
    (provider.client). The submit task is stopped at its soft time limit, which comes before the
    sweeper takes an order still `sending` for lost and an admin may send it again: a call cut off
    by that limit may have been accepted by the provider, and its order be bought twice. So a call
    must end by itself before the limit; the limit is only for what no timeout bounds."""
    from orders.tasks import submit_order

    longest = timedelta(seconds=float(settings.PROVIDER_CONNECT_TIMEOUT + settings.PROVIDER_READ_TIMEOUT))
    limit = timedelta(seconds=submit_order.soft_time_limit)
    if longest < limit:
        return []
    return [
        checks.Error(
            f"PROVIDER_CONNECT_TIMEOUT + PROVIDER_READ_TIMEOUT is {longest.total_seconds():g} s; it must "
            f"stay under {limit.total_seconds():g} s, when the task sending an order is stopped (and "
            "the order may be taken for lost)",
            hint="Lower PROVIDER_READ_TIMEOUT (30 s is usual).",
            id="orders.E001",
        )
    ]
