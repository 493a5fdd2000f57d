"""Fixtures for the catalog tests: a live provider simulator, a provider row pointing at it,
a scripted HTTP provider for answers the simulator never gives, and small factories."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from catalog.models import Category, CategoryMapping, PriceHistory, Service
from provider.models import Provider
from provider.simulator import Simulator

KEY = "catalog-sim-key-8d41e2"


@pytest.fixture(autouse=True)
def catalog_settings(settings):
    """The prices the tests compute by hand, whatever the developer's .env says."""
    settings.DEFAULT_MARKUP_PERCENT = Decimal("30")
    settings.PRICE_DECIMALS = 4
    settings.CATALOG_IMPORT_DISABLED = False
    settings.PRICE_LIST_PUBLIC = False
    settings.PANEL_CURRENCY = "USD"


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    with Simulator(KEY, seed=0, time_scale=0) as sim:
        yield sim


@pytest.fixture
def provider(db, simulator: Simulator) -> Provider:
    return Provider.objects.create(name="HonestSim", api_url=simulator.url, api_key=KEY)


@pytest.fixture
def imported(provider: Provider) -> None:
    """The simulator's catalog, imported once before the test."""
    from catalog.services import catalog_sync

    catalog_sync(provider=provider)


def listed(provider_service_id: int) -> Service:
    """The service the simulator lists under `provider_service_id`."""
    return Service.objects.get(provider_service_id=provider_service_id)


class Scripted:
    """A provider that answers every request with `body` (bytes as they are, anything else as JSON)."""

    def __init__(self) -> None:
        self.body: bytes = b"[]"
        self.url = ""

    def answer(self, body: Any) -> None:
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    script = Scripted()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Length", str(len(script.body)))
            self.end_headers()
            self.wfile.write(script.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    script.url = f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    yield script
    server.shutdown()
    server.server_close()


@pytest.fixture
def scripted_provider(db, scripted: Scripted) -> Provider:
    return Provider.objects.create(name="Scripted", api_url=scripted.url, api_key="scripted-key")


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def offer() -> Callable[..., dict[str, Any]]:
    """offer(service_id, **fields): one entry of a `services` answer, as providers send it."""
    return make_offer


def make_offer(service_id: int, **fields: Any) -> dict[str, Any]:
    return {
        "service": service_id,
        "name": f"Service {service_id}",
        "type": "Default",
        "category": "Instagram",
        "rate": "0.90",
        "min": "10",
        "max": "1000",
        "refill": False,
        "cancel": False,
        **fields,
    }


@pytest.fixture
def catalog_rows() -> Callable[[], dict[str, list[tuple]]]:
    """Every catalog row as plain values, to show that something changed nothing."""

    def rows() -> dict[str, list[tuple]]:
        return {
            "services": list(Service.objects.order_by("pk").values_list()),
            "categories": list(Category.objects.order_by("pk").values_list()),
            "mappings": list(CategoryMapping.objects.order_by("pk").values_list()),
            "history": list(PriceHistory.objects.order_by("pk").values_list()),
        }

    return rows


@pytest.fixture
def make_service(db) -> Callable[..., Service]:
    """make_service(provider_rate=..., markup_percent=..., category=..., provider=...): a priced service."""
    counter = iter(range(1, 10**6))

    def make(**fields: Any) -> Service:
        from catalog.pricing import service_rate

        number = next(counter)
        provider = (
            fields.pop("provider", None)
            or Provider.objects.get_or_create(
                name="Factory provider", defaults={"api_url": "http://127.0.0.1:9/api/v2", "api_key": "k"}
            )[0]
        )
        category = fields.pop("category", None) or Category.objects.get_or_create(name="Factory category")[0]
        service = Service(
            provider=provider,
            category=category,
            provider_service_id=fields.pop("provider_service_id", number),
            name=fields.pop("name", f"Factory service {number}"),
            provider_rate=Decimal(fields.pop("provider_rate", "1.00")),
            min_quantity=fields.pop("min_quantity", 10),
            max_quantity=fields.pop("max_quantity", 1000),
            **fields,
        )
        service.provider_name = service.name
        service.rate = service_rate(service)
        service.save()
        return service

    return make


@pytest.fixture
def form_data() -> Callable[[Any], dict[str, Any]]:
    """form_data(response): the POST data of an admin change form as the page shows it."""

    def data(response: Any) -> dict[str, Any]:
        form = response.context["adminform"].form
        values: dict[str, Any] = {}
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            values[name] = "on" if value is True else value
        for inline in response.context["inline_admin_formsets"]:
            management = inline.formset.management_form
            for name in management.fields:
                values[f"{management.prefix}-{name}"] = management[name].value()
        return values

    return data


@pytest.fixture
def changelist_data() -> Callable[..., dict[str, Any]]:
    """changelist_data(services, **changes): the POST of the service list's editable columns,
    each service as it is but for `changes` (service -> {field: value})."""

    def data(services: list[Service], changes: dict[int, dict[str, Any]]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "form-TOTAL_FORMS": len(services),
            "form-INITIAL_FORMS": len(services),
            "_save": "Save",
        }
        for index, service in enumerate(services):
            row = {"markup_percent": service.markup_percent or "", "fixed_rate": service.fixed_rate or ""}
            row["enabled"] = service.enabled
            row.update(changes.get(service.pk, {}))
            values[f"form-{index}-id"] = service.pk
            values[f"form-{index}-markup_percent"] = row["markup_percent"]
            values[f"form-{index}-fixed_rate"] = row["fixed_rate"]
            if row["enabled"]:
                values[f"form-{index}-enabled"] = "on"
        return values

    return data
