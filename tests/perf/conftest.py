"""Machine-independent counts behind the benchmarks (benchmarks/, `make bench`): provider calls and
SQL queries, which do not depend on how fast the machine is. Orders are inserted in bulk with
their charges, as the benchmarks insert them; the simulator answers for them without holding them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from benchmarks import fixtures
from benchmarks.status_sync import FIRST_PROVIDER_ORDER_ID, provider_answer
from catalog.models import Service
from panel.models import User
from provider.models import Provider
from provider.simulator import Simulator


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    with Simulator("perf-sim-key", seed=5, time_scale=0, partial_share=0, cancel_share=0) as sim:
        sim.answer_unheld_orders(provider_answer)
        yield sim


@pytest.fixture
def provider(db, simulator, settings) -> Provider:
    settings.PROVIDER_READ_TIMEOUT = Decimal("5")
    settings.PROVIDER_CONNECT_TIMEOUT = Decimal("2")
    return fixtures.provider_for(simulator, "Perf simulator")


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
        fixtures.insert_orders(
            owners=owners,
            service=service,
            count=count,
            first_provider_order_id=FIRST_PROVIDER_ORDER_ID,
            vacuum=False,
        )

    return insert
