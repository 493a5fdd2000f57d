"""Machine-independent counts behind the benchmarks (benchmarks/, `make bench`): provider calls and
SQL queries, which do not depend on how fast the machine is. Orders are inserted in bulk with
their charges, as the benchmarks insert them; the simulator answers for them without holding them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from benchmarks import fixtures
from benchmarks.status_sync import insert_sent_orders, provider_answer
from catalog.models import Service
from panel.models import User
from provider.simulator import Simulator


@pytest.fixture
def simulator(simulator) -> Simulator:
    """The root simulator, answering for orders it does not hold as the status-sync benchmark's do."""
    simulator.answer_unheld_orders(provider_answer)
    return simulator


@pytest.fixture
def provider_read_timeout() -> Decimal:
    return Decimal("5")


@pytest.fixture
def service(provider) -> Service:
    return fixtures.default_service(provider)


@pytest.fixture
def owners(db) -> list[User]:
    return fixtures.customers(5, funds=Decimal(100_000))


@pytest.fixture
def sent_orders(owners, service) -> Callable[[int], None]:
    """sent_orders(n): every other order gone, then n sent orders (Pending), charged, that the
    simulator answers for: a tenth end Canceled or Partial (refunded), the rest move on."""

    def insert(count: int) -> None:
        fixtures.clear_orders(vacuum=False)
        insert_sent_orders(owners=owners, service=service, count=count, vacuum=False)

    return insert
