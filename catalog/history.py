"""The rows of a service's history (PriceHistory), built in one place so that every writer (sync,
repricing, the admin) tells customers the same thing: the kind of each row (docs/design.md,
"Updates")."""

from __future__ import annotations

from decimal import Decimal

from catalog.models import PriceChange, PriceHistory, Service, ServiceUpdate
from panel.models import User


def rate_row(
    service: Service,
    *,
    previous_provider_rate: Decimal | None,
    previous_rate: Decimal | None,
    cause: PriceChange,
    by: User | None = None,
) -> PriceHistory:
    """The row of a change of `service`'s rates (its new ones on the instance); previous None: it
    is new. Customers are told only of what they could buy: a rise or fall of our rate, or a new
    service, while it is enabled; a cost that moved under an unchanged rate is no news."""
    kind = ServiceUpdate.NONE
    if service.enabled:
        if previous_rate is None:
            kind = ServiceUpdate.ADDED
        elif service.rate > previous_rate:
            kind = ServiceUpdate.RATE_UP
        elif service.rate < previous_rate:
            kind = ServiceUpdate.RATE_DOWN
    return PriceHistory(
        service=service,
        provider_rate=service.provider_rate,
        rate=service.rate,
        previous_provider_rate=previous_provider_rate,
        previous_rate=previous_rate,
        kind=kind,
        cause=cause,
        changed_by=by,
    )


def event_row(
    service: Service, *, kind: ServiceUpdate, cause: PriceChange, by: User | None = None
) -> PriceHistory:
    """The row of `service` being removed, enabled or disabled; its rates stay as they are."""
    return PriceHistory(
        service=service,
        provider_rate=service.provider_rate,
        rate=service.rate,
        previous_provider_rate=service.provider_rate,
        previous_rate=service.rate,
        kind=kind,
        cause=cause,
        changed_by=by,
    )
