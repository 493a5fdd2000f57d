"""Catalog sync: importing a provider's 5,000 services, then syncing again after it changed them."""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import fixtures
from benchmarks.report import Result
from catalog.models import Service
from catalog.services import catalog_sync
from catalog.services.sync import SyncResult
from provider.simulator import SimService

COUNT = 5000
TARGET_SECONDS = 5


def _timed_sync(provider) -> tuple[float, int, SyncResult]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = catalog_sync(provider=provider)
        seconds = time.perf_counter() - started
    return seconds, len(captured), result


def run(ctx) -> list[Result]:
    simulator = fixtures.start_simulator()  # its own, with nothing but the 5,000 services
    try:
        simulator.services.clear()
        for number in range(1, COUNT + 1):
            simulator.add_service(
                SimService(
                    number,
                    f"Service {number}",
                    "Default",
                    f"Category {number % 50}",
                    Decimal("0.5"),
                    10,
                    10000,
                )
            )
        provider = fixtures.provider_for(simulator, "Catalog sync")

        seconds, queries, result = _timed_sync(provider)
        assert result.created == COUNT == Service.objects.filter(provider=provider).count(), result
        ctx.log(f"catalog sync: {COUNT:,} new services in {seconds:.2f} s, {queries} queries")

        # The provider reprices and renames four fifths and drops the rest.
        for number in range(1, COUNT + 1):
            if number % 5:
                simulator.set_service(number, rate="0.6", name=f"Renamed {number}")
            else:
                simulator.remove_service(number)
        again, again_queries, changed = _timed_sync(provider)
        assert (changed.repriced, changed.dropped) == (COUNT * 4 // 5, COUNT // 5), changed
        ctx.log(f"catalog sync: {COUNT:,} changed services in {again:.2f} s, {again_queries} queries")
    finally:
        simulator.stop()
    return [
        Result.under(f"catalog sync, {COUNT:,} new services: time", round(seconds, 2), "s", TARGET_SECONDS),
        Result(f"catalog sync, {COUNT:,} new services: SQL queries", queries, "queries"),
        Result.under(
            f"catalog re-sync, {COUNT * 4 // 5:,} repriced + {COUNT // 5:,} dropped: time",
            round(again, 2),
            "s",
            TARGET_SECONDS,
        ),
        Result(
            f"catalog re-sync, {COUNT * 4 // 5:,} repriced + {COUNT // 5:,} dropped: SQL queries",
            again_queries,
            "queries",
        ),
    ]
