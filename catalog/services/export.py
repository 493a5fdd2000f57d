"""The catalog as CSV, for spreadsheets."""

from __future__ import annotations

import csv
from typing import IO

from django.db.models import QuerySet

from catalog.models import Service
from catalog.pricing import cost_rate, show

COLUMNS = [
    *("id", "provider", "provider_service_id", "category", "name", "type", "provider_rate", "cost"),
    *("markup_percent", "fixed_rate", "rate", "min", "max", "refill", "cancel", "dripfeed", "enabled"),
    "dropped_at",
]
# A cell starting with one of these is run as a formula by spreadsheet programs; names come from providers.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _money(value: object) -> str:
    return "" if value is None else show(value)  # type: ignore[arg-type]


def catalog_export_csv(*, services: QuerySet[Service], out: IO[str]) -> int:
    """Writes `services` as CSV rows (with a header) to `out`; returns how many rows."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for s in services.select_related("provider", "category").order_by("provider_id", "provider_service_id"):
        cost = cost_rate(provider_rate=s.provider_rate, currency_factor=s.provider.currency_factor)
        writer.writerow(
            [
                s.pk, _cell(s.provider.name), s.provider_service_id, _cell(s.category.name), _cell(s.name),
                s.type, _money(s.provider_rate), _money(cost), _money(s.markup_percent), _money(s.fixed_rate),
                _money(s.rate), s.min_quantity, s.max_quantity, int(s.refill), int(s.cancel), int(s.dripfeed),
                int(s.enabled), s.dropped_at.isoformat() if s.dropped_at else "",
            ]
        )  # fmt: skip
        count += 1
    return count
