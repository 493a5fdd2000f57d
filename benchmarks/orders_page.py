"""The customer's orders page (/orders/) for a customer with 100,000 orders: render time and queries,
for the first page and a page filtered by status, beside a customer with 10 orders."""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from benchmarks import fixtures
from benchmarks.report import Result, percentile

TARGET_P95_MS = 100
STATUSES = [
    "Pending",
    "In progress",
    "Completed",
    "Completed",
    "Partial",
    "Canceled",
    "Processing",
    "Completed",
]
PAGES = {"first page": "", "filtered by status": "?status=Partial"}


def _client(customer) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(customer)
    return client


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured)


def run(ctx) -> list[Result]:
    try:
        base = reverse("orders:list")
    except NoReverseMatch:
        ctx.log("orders page: there is no orders:list page yet; skipped")
        raise
    count = 10_000 if ctx.quick else 100_000
    renders = 30 if ctx.quick else 60
    provider = fixtures.provider_for(ctx.simulator, "Orders page")
    service = fixtures.default_service(provider)
    fixtures.clear_orders()
    big, small = fixtures.customers(2)
    started = time.perf_counter()
    fixtures.insert_orders(owners=[big], service=service, count=count, statuses=STATUSES)
    fixtures.insert_orders(
        owners=[small], service=service, count=10, first_provider_order_id=count + 1, statuses=STATUSES
    )
    ctx.log(f"orders page: {count:,} orders inserted in {time.perf_counter() - started:.1f} s")
    results: list[Result] = []
    try:
        big_client, small_client = _client(big), _client(small)
        for what, query in PAGES.items():
            url = base + query
            for _ in range(3):
                _get(big_client, url)  # warm: templates compiled, connection open
            timings = []
            for _ in range(renders):
                started = time.perf_counter()
                _get(big_client, url)
                timings.append((time.perf_counter() - started) * 1000)
            p95 = percentile(sorted(timings), 95)
            queries, few = _queries(big_client, url), _queries(small_client, url)
            ctx.log(
                f"orders page, {what}: p50 {percentile(sorted(timings), 50):.1f} ms, p95 {p95:.1f} ms, "
                f"{queries} queries ({few} with 10 orders)"
            )
            label = f"orders page, {count:,} orders, {what}"
            results.append(Result.under(f"{label}: p95 render", round(p95, 1), "ms", TARGET_P95_MS))
            results.append(Result(f"{label}: p50 render", round(percentile(sorted(timings), 50), 1), "ms"))
            results.append(
                Result.equal(f"{label}: SQL queries", queries, "queries", few, f"{few} (as with 10 orders)")
            )
    finally:
        fixtures.clear_orders()
    return results
