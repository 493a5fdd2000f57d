"""Importing a provider's service list into the catalog.

The provider is read first, outside any transaction (a slow provider must not hold locks); its
answer is checked as a whole; then every write happens in one transaction, in bulk.

What an answer may change:
- rates, bounds, flags, type: always (and the price is recomputed, PriceHistory appended);
- name and description: while ours equal the provider's previous ones (an admin's rename stays);
- category: while the service sits where its provider category's mapping put it (a service an
  admin moved stays where it is);
- a service missing from the answer is dropped: disabled, `dropped_at` set, never deleted;
- a manual service (staff deliver it; its cost and price are theirs) is never read, changed or dropped.
Each new, repriced, dropped, restored or guard-disabled service gets its history row
(catalog.history), which the Updates page reads.

Garbage changes nothing: an unreadable answer, a duplicate id, min > max, a negative or
oversized number, or an empty list while we sell the provider's services refuses the whole
answer. A service of a type we cannot sell is skipped and reported (and dropped if we had it);
an entry the client could not read is reported, and the service it names kept as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing.money import RATE_DIGITS, RATE_PLACES, round_price_up
from catalog import conf
from catalog.history import event_row, rate_row
from catalog.models import (
    Category,
    CategoryMapping,
    PriceChange,
    PriceHistory,
    Service,
    ServiceType,
    ServiceUpdate,
)
from catalog.pricing import default_markup_percent, service_rate
from catalog.services.margin_guard import services_guard_margin
from provider.client import ProviderError, ProviderService
from provider.models import Provider
from provider.services import provider_client

log = logging.getLogger(__name__)

BATCH = 1000
MAX_QUANTITY = 2_147_483_647  # PositiveIntegerField
MAX_SERVICE_ID = 2**63 - 1  # BigIntegerField
MAX_RATE = Decimal(10) ** (RATE_DIGITS - RATE_PLACES)
UNCATEGORISED = "Uncategorised"
SHOWN_PROBLEMS = 5

_ENABLED = {True: ServiceUpdate.ENABLED, False: ServiceUpdate.DISABLED}
_TYPES = {type_.value.casefold(): ServiceType(type_) for type_ in ServiceType}
# Fields an answer may change; compared before writing so that an unchanged service is not written.
_SYNCED = [
    "type", "category_id", "name", "provider_name", "description", "provider_description",
    "provider_category", "provider_rate", "min_quantity", "max_quantity", "refill", "cancel",
    "dripfeed", "rate", "enabled", "dropped_at", "disabled_by_drop",
]  # fmt: skip


class CatalogSyncError(Exception):
    """The sync changed nothing: the provider could not be read, or its answer was refused."""


@dataclass
class SyncResult:
    """What one sync did. `skipped`: services of the answer not imported, with the reason."""

    provider: str
    listed: int = 0
    created: int = 0
    updated: int = 0
    repriced: int = 0
    dropped: int = 0
    restored: int = 0
    guarded: int = 0  # services whose cost rose above a fixed or custom rate (services_guard_margin)
    categories_created: int = 0
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{self.created} new", f"{self.updated} updated ({self.repriced} repriced)"]
        parts += [f"{self.dropped} dropped", f"{self.restored} back"]
        if self.guarded:
            parts.append(f"{self.guarded} above a fixed or custom rate (admins mailed)")
        if self.categories_created:
            parts.append(f"{self.categories_created} new categories")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped: {'; '.join(self.skipped[:SHOWN_PROBLEMS])}")
        return f"{self.provider}: {self.listed} services listed; " + ", ".join(parts) + "."


def catalog_sync(*, provider: Provider) -> SyncResult:
    """Brings the provider's services into the catalog; CatalogSyncError if nothing could be."""
    try:
        offers = provider_client(provider).services()
    except ProviderError as error:
        raise CatalogSyncError(
            f"{provider.name}: the service list could not be read, nothing changed: {error}"
        ) from error
    unreadable = offers.unreadable
    offers, skipped = _checked(provider, offers)
    # An entry that could not be read: its service, when we know which, stays as it was (neither
    # repriced from garbage nor dropped as if the provider had stopped selling it).
    kept = {entry.service_id for entry in unreadable if entry.service_id is not None}
    skipped += [
        f"service {entry.service_id}: its entry could not be read ({entry.reason}); not changed"
        if entry.service_id is not None
        else f"an entry could not be read ({entry.reason})"
        for entry in unreadable
    ]
    with transaction.atomic():
        # Two syncs of one provider (beat and the admin's button) take turns here.
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        listed = Service.objects.filter(provider=provider, manual=False, dropped_at__isnull=True)
        if not offers and listed.exists():
            raise CatalogSyncError(
                f"{provider.name}: the provider listed no services we can sell; refusing to drop them "
                "all, nothing changed."
            )
        result = _apply(provider, offers, kept=kept)
    result.skipped = skipped
    result.listed = len(offers) + len(skipped)
    log.info("catalog sync %s", result)
    return result


def _checked(
    provider: Provider, offers: Sequence[ProviderService]
) -> tuple[list[ProviderService], list[str]]:
    """(the offers we can import, the skipped ones), or CatalogSyncError for a malformed answer."""
    problems: list[str] = []
    seen: set[int] = set()
    for offer in offers:
        tag = f"service {offer.service_id}"
        if offer.service_id in seen:
            problems.append(f"{tag} is listed twice")
        seen.add(offer.service_id)
        if not 0 < offer.service_id <= MAX_SERVICE_ID:
            problems.append(f"{tag}: the id is out of range")
        if offer.min < 0 or offer.max > MAX_QUANTITY:
            problems.append(f"{tag}: min {offer.min} / max {offer.max} out of range")
        elif offer.min > offer.max:
            problems.append(f"{tag}: min {offer.min} is above max {offer.max}")
        if offer.rate < 0 or offer.rate >= MAX_RATE:
            problems.append(f"{tag}: rate {offer.rate} out of range")
    if problems:
        shown = "; ".join(problems[:SHOWN_PROBLEMS])
        more = f" (and {len(problems) - SHOWN_PROBLEMS} more)" if len(problems) > SHOWN_PROBLEMS else ""
        raise CatalogSyncError(f"{provider.name}: refused the service list, nothing changed: {shown}{more}.")
    usable, skipped = [], []
    for offer in offers:
        if offer.type.strip().casefold() in _TYPES:
            usable.append(offer)
        else:
            skipped.append(f"service {offer.service_id} has type {offer.type[:40]!r}, which we cannot sell")
    return usable, skipped


def _category_name(offer: ProviderService) -> str:
    return offer.category.strip()[:200] or UNCATEGORISED


def _mappings(provider: Provider, offers: list[ProviderService], result: SyncResult) -> dict[str, int]:
    """provider category name -> our category id, creating categories and mappings for new names."""
    mappings = dict(
        CategoryMapping.objects.filter(provider=provider).values_list("provider_category", "category_id")
    )
    missing = {_category_name(offer) for offer in offers} - mappings.keys()
    if missing:
        existing = set(Category.objects.filter(name__in=missing).values_list("name", flat=True))
        # ignore_conflicts: a category of that name may appear meanwhile (an admin, another provider's sync).
        Category.objects.bulk_create(
            [Category(name=name) for name in missing - existing], ignore_conflicts=True
        )
        result.categories_created = len(missing - existing)
        ids = dict(Category.objects.filter(name__in=missing).values_list("name", "pk"))
        CategoryMapping.objects.bulk_create(
            [
                CategoryMapping(provider=provider, provider_category=name, category_id=ids[name])
                for name in missing
            ]
        )
        mappings.update({name: ids[name] for name in missing})
    return mappings


def _apply(provider: Provider, offers: list[ProviderService], *, kept: set[int]) -> SyncResult:
    result = SyncResult(provider=provider.name)
    now = timezone.now()
    # (service, its provider rate and rate before; None when new)
    rates_changed: list[tuple[Service, Decimal | None, Decimal | None]] = []
    risen: list[tuple[Service, Decimal]] = []  # (service, its previous provider rate)
    created: list[Service] = []
    updated: list[Service] = []
    before_enabled: dict[int, bool] = {}
    known = {s.provider_service_id: s for s in Service.objects.filter(provider=provider, manual=False)}
    mappings = _mappings(provider, offers, result)
    categories = Category.objects.in_bulk(set(mappings.values()) | {s.category_id for s in known.values()})
    default_markup = default_markup_percent()

    for offer in offers:
        service = known.pop(offer.service_id, None)
        mapped = mappings[_category_name(offer)]
        if service is None:
            service = Service(
                provider=provider,
                provider_service_id=offer.service_id,
                category_id=mapped,
                enabled=not conf.import_disabled(),
            )
            before = None
        else:
            before = {name: getattr(service, name) for name in _SYNCED}
            if service.category_id != mappings.get(service.provider_category):
                mapped = service.category_id  # the admin moved it: it stays
        _take(service, offer, mapped)
        service.rate = service_rate(
            service,
            provider=provider,
            category=categories[service.category_id],
            default_markup=default_markup,
        )
        if before is None:
            created.append(service)
            rates_changed.append((service, None, None))
            continue
        if service.dropped_at is not None:
            result.restored += 1
            service.dropped_at = None
            if service.disabled_by_drop:
                service.enabled, service.disabled_by_drop = True, False
        before_enabled[service.pk] = before["enabled"]
        if any(getattr(service, name) != value for name, value in before.items()):
            updated.append(service)
            if (service.provider_rate, service.rate) != (before["provider_rate"], before["rate"]):
                rates_changed.append((service, before["provider_rate"], before["rate"]))
            if service.enabled and service.provider_rate > before["provider_rate"]:
                risen.append((service, before["provider_rate"]))
    # Before the writes: a guard that disables a service changes a row that is written anyway.
    result.guarded = len(services_guard_margin(provider=provider, risen=risen))

    Service.objects.bulk_create(created, batch_size=BATCH)
    # An upsert rather than bulk_update: bulk_update builds a CASE per field and row, which takes
    # Django seconds of CPU for thousands of rows; the conflict always hits (the rows exist and
    # the provider's row is locked), so this only updates.
    Service.objects.bulk_create(
        updated,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["provider", "provider_service_id"],
        update_fields=[*("category" if name == "category_id" else name for name in _SYNCED), "updated_at"],
    )
    # After the guard: a service it disabled is no longer for sale, so its new rate is no news.
    history = [
        rate_row(s, previous_provider_rate=provider_rate, previous_rate=rate, cause=PriceChange.SYNC)
        for s, provider_rate, rate in rates_changed
    ]
    history += [
        event_row(s, kind=_ENABLED[s.enabled], cause=PriceChange.SYNC)
        for s in updated
        if s.enabled != before_enabled[s.pk]
    ]
    gone = [s for s in known.values() if s.dropped_at is None and s.provider_service_id not in kept]
    history += [event_row(s, kind=ServiceUpdate.REMOVED, cause=PriceChange.SYNC) for s in gone if s.enabled]
    PriceHistory.objects.bulk_create(history, batch_size=BATCH)
    # Only a drop that disabled an enabled service is undone when the service comes back.
    Service.objects.filter(pk__in=[s.pk for s in gone if s.enabled]).update(
        enabled=False, disabled_by_drop=True, dropped_at=now, updated_at=now
    )
    Service.objects.filter(pk__in=[s.pk for s in gone if not s.enabled]).update(
        dropped_at=now, updated_at=now
    )
    result.created, result.updated, result.dropped = len(created), len(updated), len(gone)
    result.repriced = len(rates_changed) - len(created)
    return result


def _take(service: Service, offer: ProviderService, category_id: int) -> None:
    """Copies the offer onto the service, keeping what an admin changed (see the module's notes)."""
    name = offer.name.strip()[:300] or f"Service {offer.service_id}"
    description = offer.description.strip()
    if service.pk is None or service.name == service.provider_name:
        service.name = name
    if service.pk is None or service.description == service.provider_description:
        service.description = description
    service.provider_name, service.provider_description = name, description
    service.provider_category = _category_name(offer)
    service.category_id = category_id
    service.type = _TYPES[offer.type.strip().casefold()]
    # The database keeps RATE_PLACES decimals; rounding up keeps a longer rate from costing less.
    service.provider_rate = round_price_up(offer.rate, RATE_PLACES)
    service.min_quantity, service.max_quantity = offer.min, offer.max
    service.refill, service.cancel, service.dripfeed = offer.refill, offer.cancel, offer.dripfeed
