"""System checks of the orders app's settings (`manage.py check` runs them, and every command)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def provider_calls_end_before_the_sweeper_gives_up(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A provider call lasts PROVIDER_CONNECT_TIMEOUT + PROVIDER_READ_TIMEOUT at most
    (provider.client). The sweeper takes an order still `sending` after SENDING_TIMEOUT for lost
    and an admin may send it again: were a call allowed to last that long, its `add` could still be
    under way then, and the order be bought twice."""
    from orders.services.forwarding import SENDING_TIMEOUT

    longest = timedelta(seconds=float(settings.PROVIDER_CONNECT_TIMEOUT + settings.PROVIDER_READ_TIMEOUT))
    if longest < SENDING_TIMEOUT:
        return []
    return [
        checks.Error(
            f"PROVIDER_CONNECT_TIMEOUT + PROVIDER_READ_TIMEOUT is {longest.total_seconds():g} s; it must "
            f"stay under {SENDING_TIMEOUT.total_seconds():g} s, after which an order still being sent is "
            "taken for lost",
            hint="Lower PROVIDER_READ_TIMEOUT (30 s is usual).",
            id="orders.E001",
        )
    ]
