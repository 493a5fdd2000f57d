"""The margin guard: a sync that raises a service's cost above what a fixed rate or a customer's
custom rate sells it for never leaves it selling below cost.

The provider's `margin_guard` chooses: REPRICE (catalog.pricing sets a fixed rate the cost has
risen above aside and sells at the markup; a custom fixed rate gives way to the customer's
normal rate) or DISABLE (the service is disabled, for an admin to look at). Either way the
admins get one mail after the commit, naming each service, and only for the sync that raised
the cost: a later sync at the same cost changes no rate and mails nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import mail_admins
from django.db import transaction

from catalog.models import CustomRate, Service
from catalog.pricing import cost_rate, fixed_rate_holds, show
from provider.models import MarginGuard, Provider


@dataclass(frozen=True)
class Guarded:
    service: Service
    old_cost: Decimal
    cost: Decimal
    fixed_rate: Decimal | None  # the service's, when the cost rose above it
    custom_rates: list[Decimal]  # customers' fixed rates the cost rose above


def services_guard_margin(*, provider: Provider, risen: list[tuple[Service, Decimal]]) -> list[Guarded]:
    """Guards the services whose provider rate rose (each with its previous provider rate).

    Disables them in place when the provider says so (the caller writes them); the service's rate
    was already priced by service_rate, which sets a fixed rate below cost aside. Queues the mail
    on commit. One query, only when some rate rose.
    """
    if not risen:
        return []
    custom: dict[int, list[Decimal]] = defaultdict(list)
    rows = CustomRate.objects.filter(
        service_id__in=[service.pk for service, _ in risen], fixed_rate__isnull=False
    ).values_list("service_id", "fixed_rate")
    for service_id, fixed_rate in rows:
        custom[service_id].append(fixed_rate)
    factor = provider.currency_factor
    guarded = []
    for service, old_provider_rate in risen:
        cost = cost_rate(provider_rate=service.provider_rate, currency_factor=factor)
        fixed = (
            service.fixed_rate
            if service.fixed_rate is not None and not fixed_rate_holds(service.fixed_rate, cost=cost)
            else None
        )
        below = sorted(rate for rate in custom.get(service.pk, []) if not fixed_rate_holds(rate, cost=cost))
        if fixed is None and not below:
            continue
        if provider.margin_guard == MarginGuard.DISABLE:
            service.enabled = False
        old_cost = cost_rate(provider_rate=old_provider_rate, currency_factor=factor)
        guarded.append(Guarded(service, old_cost, cost, fixed, below))
    if guarded:
        subject, message = _mail(provider, guarded)
        # robust: a mail server that fails is logged; the sync has committed and stands.
        transaction.on_commit(lambda: mail_admins(subject, message), robust=True)
    return guarded


def _mail(provider: Provider, guarded: list[Guarded]) -> tuple[str, str]:
    currency = settings.PANEL_CURRENCY
    disable = provider.margin_guard == MarginGuard.DISABLE
    lines = []
    for item in guarded:
        service = item.service
        sold = []
        if item.fixed_rate is not None:
            sold.append(f"its fixed rate {show(item.fixed_rate)}")
        if item.custom_rates:
            sold.append(
                f"{len(item.custom_rates)} customer(s)' custom rate (lowest {show(item.custom_rates[0])})"
            )
        action = "disabled" if disable else f"now sells at {show(service.rate)} (custom rates set aside)"
        lines.append(
            f"- service {service.pk} {service.name}: cost {show(item.old_cost)} -> {show(item.cost)} "
            f"{currency} per 1000, above {' and '.join(sold)}; {action}."
        )
    what = "disabled" if disable else "repriced"
    subject = f"Provider {provider.name}: {len(guarded)} service(s) cost more than their fixed or custom rate"
    message = (
        f"A sync of {provider.name} raised the cost of these services above what a fixed rate or a "
        f"customer's custom rate sold them for. They were {what} so that nothing sells below cost "
        "(the provider's margin guard in the admin chooses):\n\n"
        + "\n".join(lines)
        + "\n\nRaise the fixed or custom rates (or clear them) in the admin."
    )
    return subject, message
