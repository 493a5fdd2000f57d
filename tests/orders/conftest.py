"""Orders against a live provider simulator: a provider row pointing at it, its catalog imported,
customers with money."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal

import pytest

from billing.services import ledger_deposit
from catalog.models import Service, ServiceType
from catalog.services import catalog_sync
from panel.models import User
from provider.models import Provider
from provider.simulator import Faults, Simulator

_emails = itertools.count(1)
_links = itertools.count(1)


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    """A simulator whose clock moves only with `advance()`."""
    with Simulator("orders-sim-key", seed=3, time_scale=0, partial_share=0, cancel_share=0) as sim:
        yield sim


@pytest.fixture
def provider(db, simulator, settings) -> Provider:
    settings.PROVIDER_READ_TIMEOUT = Decimal("1")
    settings.PROVIDER_CONNECT_TIMEOUT = Decimal("1")
    return Provider.objects.create(name="Simulator", api_url=simulator.url, api_key=simulator.key)


@pytest.fixture
def catalog(provider) -> dict[str, Service]:
    """The first enabled service of each type, imported from the simulator."""
    catalog_sync(provider=provider)
    services: dict[str, Service] = {}
    for service in Service.objects.filter(provider=provider, enabled=True).order_by("pk"):
        services.setdefault(service.type, service)
    return services


@pytest.fixture
def default_service(catalog) -> Service:
    return catalog[ServiceType.DEFAULT]


@pytest.fixture
def make_customer(db):
    def make(funds: Decimal | str = "100") -> User:
        customer = User.objects.create_user(
            email=f"customer{next(_emails)}@example.com", password="pw-12345-abc"
        )
        if Decimal(funds) > 0:
            ledger_deposit(customer=customer, amount=Decimal(funds), created_by=None, reason="test funds")
        return customer

    return make


@pytest.fixture
def new_link():
    return lambda: f"https://instagram.com/p/post{next(_links)}"


@pytest.fixture
def set_faults(simulator):
    """set_faults(http_500=1.0, ...): the simulator misbehaves from now on; set_faults() heals it."""
    return lambda **faults: simulator.set_faults(Faults(seed=11, **faults))
