"""Changing what services sell for: markups, fixed rates, categories, enabling; each reprices.

Every function here works in bulk (a bounded number of queries however many services) and
appends a PriceHistory row for each service whose rate changed, saying what changed it and, when a
staff member did, who (`by`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from catalog.history import event_row, rate_row
from catalog.models import (
    Category,
    CategoryMapping,
    PriceChange,
    PriceHistory,
    PricingSettings,
    Service,
    ServiceUpdate,
)
from catalog.pricing import default_markup_percent, markup_check, service_rate
from panel.models import User
from provider.models import Provider

BATCH = 500


def services_reprice(
    *, services: QuerySet[Service], cause: PriceChange = PriceChange.STAFF, by: User | None = None
) -> int:
    """Recomputes the rate of `services`, the change recorded as `cause` by `by`; returns how many
    rates changed."""
    with transaction.atomic():
        rows = list(services.select_related("provider", "category").order_by("pk"))
        return _store_rates(rows, cause=cause, by=by)


def _store_rates(rows: Iterable[Service], *, cause: PriceChange, by: User | None) -> int:
    now = timezone.now()
    changed = []
    history = []
    default_markup = default_markup_percent()
    for service in rows:
        rate = service_rate(
            service, provider=service.provider, category=service.category, default_markup=default_markup
        )
        if rate != service.rate:
            previous, service.rate = service.rate, rate
            service.updated_at = now
            changed.append(service)
            history.append(
                rate_row(
                    service,
                    previous_provider_rate=service.provider_rate,
                    previous_rate=previous,
                    cause=cause,
                    by=by,
                )
            )
    Service.objects.bulk_update(changed, ["rate", "updated_at"], batch_size=BATCH)
    PriceHistory.objects.bulk_create(history, batch_size=BATCH)
    return len(changed)


def service_reprice(
    *, service: Service, cause: PriceChange = PriceChange.STAFF, by: User | None = None
) -> bool:
    """Recomputes one service's rate (after an admin edited it); True if it changed.

    `service.rate` is updated in place.
    """
    changed = services_reprice(services=Service.objects.filter(pk=service.pk), cause=cause, by=by)
    service.rate = Service.objects.values_list("rate", flat=True).get(pk=service.pk)
    return changed == 1


def category_reprice(*, category: Category, by: User | None = None) -> int:
    """Reprices the category's services (after its default markup changed)."""
    return services_reprice(
        services=Service.objects.filter(category=category), cause=PriceChange.CATEGORY_MARKUP, by=by
    )


def provider_reprice(*, provider: Provider, by: User | None = None) -> int:
    """Reprices the provider's services (after its default markup or currency factor changed)."""
    return services_reprice(
        services=Service.objects.filter(provider=provider), cause=PriceChange.PROVIDER_MARKUP, by=by
    )


def default_markup_set(*, markup_percent: Decimal, by: User | None = None) -> int:
    """Makes `markup_percent` the default markup (the admin's setting) and reprices the services
    that inherit it; returns how many rates changed. ValidationError below 0."""
    markup_check(markup_percent)
    with transaction.atomic():
        PricingSettings.objects.update_or_create(pk=1, defaults={"default_markup_percent": markup_percent})
        inheriting = Service.objects.filter(
            markup_percent__isnull=True,
            category__default_markup_percent__isnull=True,
            provider__default_markup_percent__isnull=True,
        )
        return services_reprice(services=inheriting, cause=PriceChange.DEFAULT_MARKUP, by=by)


def services_set_markup(
    *,
    services: QuerySet[Service],
    markup_percent: Decimal | None,
    clear_fixed_rate: bool = False,
    by: User | None = None,
) -> int:
    """Gives `services` their own markup (None: inherit again), reprices; returns rates changed.

    ValidationError if the markup would sell below cost. A fixed rate still wins over the markup
    unless `clear_fixed_rate`.
    """
    markup_check(markup_percent)
    changes: dict[str, object] = {"markup_percent": markup_percent, "updated_at": timezone.now()}
    if clear_fixed_rate:
        changes["fixed_rate"] = None
    with transaction.atomic():
        ids = list(services.values_list("pk", flat=True))
        Service.objects.filter(pk__in=ids).update(**changes)
        return services_reprice(
            services=Service.objects.filter(pk__in=ids), cause=PriceChange.SERVICE_MARKUP, by=by
        )


def services_set_dripfeed(*, services: QuerySet[Service], dripfeed: bool | None) -> int:
    """Sets the admin's drip-feed choice on `services` (None: follow the provider); how many changed."""
    return (
        Service.objects.filter(pk__in=services.values("pk"))
        .exclude(dripfeed_override=dripfeed)
        .update(dripfeed_override=dripfeed, updated_at=timezone.now())
    )


def services_set_enabled(*, services: QuerySet[Service], enabled: bool, by: User | None = None) -> int:
    """Enables or disables `services`, each change in its history by `by`; returns how many changed.

    A service the provider dropped is never enabled: the provider would refuse its orders.
    """
    targets = services.exclude(enabled=enabled)
    if enabled:
        targets = targets.filter(dropped_at__isnull=True)
    with transaction.atomic():
        # Locked so that the rows recorded are exactly the rows changed.
        rows = list(Service.objects.select_for_update().filter(pk__in=targets.values("pk")).order_by("pk"))
        Service.objects.filter(pk__in=[s.pk for s in rows]).update(enabled=enabled, updated_at=timezone.now())
        service_record_enabled(services=rows, enabled=enabled, by=by)
    return len(rows)


def service_record_enabled(*, services: Iterable[Service], enabled: bool, by: User | None = None) -> None:
    """Appends the history row of each of `services` having been enabled (or disabled) by `by`."""
    kind = ServiceUpdate.ENABLED if enabled else ServiceUpdate.DISABLED
    PriceHistory.objects.bulk_create(
        [event_row(s, kind=kind, cause=PriceChange.STAFF, by=by) for s in services], batch_size=BATCH
    )


def services_move(*, services: QuerySet[Service], category: Category, by: User | None = None) -> int:
    """Moves `services` to `category` and reprices them (its markup may differ); returns how many moved.

    A moved service stays where the admin put it: sync no longer files it by the provider's category.
    """
    with transaction.atomic():
        ids = list(services.exclude(category=category).values_list("pk", flat=True))
        Service.objects.filter(pk__in=ids).update(category=category, updated_at=timezone.now())
        # The new category's markup, set by whoever moved them (a mapping's change: who changed it).
        services_reprice(services=Service.objects.filter(pk__in=ids), cause=PriceChange.STAFF, by=by)
    return len(ids)


def category_mapping_set(*, mapping: CategoryMapping, category: Category, by: User | None = None) -> int:
    """Points a provider category at `category` and moves the services that followed the old
    mapping (not those an admin moved by hand); returns how many moved."""
    with transaction.atomic():
        old_category_id = (
            CategoryMapping.objects.filter(pk=mapping.pk).values_list("category_id", flat=True).first()
        )
        mapping.category = category
        mapping.save()
        if old_category_id is None or old_category_id == category.pk:
            return 0
        followers = Service.objects.filter(
            provider_id=mapping.provider_id,
            provider_category=mapping.provider_category,
            category_id=old_category_id,
        )
        return services_move(services=followers, category=category, by=by)
