"""Fixtures for the chaos suites: a simulator that records every fault it fires, a provider and its
catalog, customers with money, a seed that replays a run."""

from __future__ import annotations

import itertools
import os
import random
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from billing.services import ledger_deposit
from catalog.models import Service, ServiceType
from catalog.services import catalog_sync
from panel.models import User
from provider.models import Provider
from provider.simulator import Faults, Simulator
from provider.simulator.faults import Dice
from tests.conftest import child_environment

# Faults that leave an `add` without a usable answer: the panel cannot know whether the
# provider placed the order, so each may make one order `unknown` (docs/design.md rule 3).
AMBIGUOUS_ADD_FAULTS = frozenset(
    {"add_accepted_late", "add_timeout_before_accept", "http_500", "html", "truncated_json"}
)

CONCURRENCY = int(os.environ.get("CHAOS_CONCURRENCY", "3"))  # the worker's pool processes
READ_TIMEOUT = 1  # the worker's PROVIDER_READ_TIMEOUT, seconds
LATE_DELAY = 2.5  # the simulator's late answers, past the read timeout

_emails = itertools.count(1)
_request = threading.local()  # the request the simulator's handler thread is answering


class Fired(NamedTuple):
    fault: str
    action: str
    link: str | None  # the link of an `add`, None for other actions


class RecordingDice(Dice):
    """Dice that keep a record of every fault that fired, with the action and the link it hit."""

    def __init__(self, faults: Faults | None) -> None:
        super().__init__(faults)
        self.fired: list[Fired] = []
        self._record_lock = threading.Lock()

    def fires(self, name: str, action: str) -> bool:
        fired = super().fires(name, action)
        if fired:
            with self._record_lock:
                self.fired.append(Fired(name, action, getattr(_request, "link", None)))
        return fired


class RecordingSimulator(Simulator):
    """The simulator, keeping the record of faults that fired across `set_faults` calls."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._past_fired: list[Fired] = []
        # `hold()`: requests wait at the door until released; `arrived` says one is waiting.
        self.arrived = threading.Event()
        self._door = threading.Event()
        self._door.set()
        super().__init__(*args, **kwargs)

    @contextmanager
    def hold(self) -> Iterator[threading.Event]:
        """Requests arriving inside the block wait, unanswered, until it ends; yields `arrived`."""
        self.arrived.clear()
        self._door.clear()
        try:
            yield self.arrived
        finally:
            self._door.set()

    def reset(self) -> None:
        super().reset()
        self._past_fired = []
        self.dice = RecordingDice(self.dice.faults)

    def set_faults(self, faults: Faults | None) -> None:
        with self._lock:
            self._past_fired.extend(getattr(self.dice, "fired", []))
            self.dice = RecordingDice(faults)

    def answer(self, params: dict[str, str]) -> Any:
        self.arrived.set()
        self._door.wait(timeout=30)
        _request.link = params.get("link") if params.get("action") == "add" else None
        try:
            return super().answer(params)
        finally:
            _request.link = None

    def fired(self) -> list[Fired]:
        """Every fault fired since the simulator started (or was reset), oldest first."""
        with self._lock:
            return [*self._past_fired, *self.dice.fired]

    def fired_counts(self) -> Counter[tuple[str, str]]:
        return Counter((f.fault, f.action) for f in self.fired())


@pytest.fixture(scope="session")
def chaos_seed() -> int:
    """CHAOS_SEED from the environment, else a fresh random one; printed so a failure replays."""
    text = os.environ.get("CHAOS_SEED", "").strip()
    seed = int(text) if text else random.SystemRandom().randrange(1, 2**31)
    print(f"\nchaos seed: {seed}  (replay: CHAOS_SEED={seed})")
    return seed


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_simulator() -> Iterator:
    """make_simulator(**kwargs): a started RecordingSimulator, stopped after the test."""
    started: list[RecordingSimulator] = []

    def make(**kwargs: Any) -> RecordingSimulator:
        kwargs.setdefault("balance", Decimal("100000000"))
        simulator = RecordingSimulator("chaos-sim-key", **kwargs).start()
        started.append(simulator)
        return simulator

    yield make
    for simulator in started:
        simulator.stop()


def provider_for(simulator: Simulator) -> Provider:
    """A provider row pointing at `simulator`, with its catalog imported (the simulator must not
    misbehave while it is read)."""
    provider = Provider.objects.create(name="Chaos simulator", api_url=simulator.url, api_key=simulator.key)
    catalog_sync(provider=provider)
    return provider


def service_named(provider: Provider, name: str) -> Service:
    return Service.objects.get(provider=provider, provider_name=name, enabled=True)


def make_customer(funds: Decimal | str) -> User:
    customer = User.objects.create_user(email=f"chaos{next(_emails)}@example.com", password="pw-12345-abc")
    if Decimal(funds) > 0:
        ledger_deposit(customer=customer, amount=Decimal(funds), created_by=None, reason="chaos funds")
    return customer


def chaos_faults(seed: int) -> Faults:
    return Faults(
        seed=seed,
        late_delay=LATE_DELAY,
        add_accepted_late=0.10,
        add_timeout_before_accept=0.05,
        http_500=0.10,
        html=0.05,
        truncated_json=0.05,
        refusal=0.05,
        status_variants=0.30,
        incorrect_order_id=0.05,
        contradictions=0.30,
        unasked_ids=0.10,
    )


def start_worker(start_process, name: str, *, purge: bool):
    """A real Celery worker (CONCURRENCY prefork processes) on the test database, with the chaos
    suites' short provider timeouts."""
    args = [
        sys.executable, "-m", "celery", "-A", "panel", "worker",
        "-c", str(CONCURRENCY), "-P", "prefork", "-l", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"{name}-{os.getpid()}@%h",
    ]  # fmt: skip
    if purge:
        args.append("--purge")  # tasks left by an earlier run name orders that no longer exist
    env = child_environment(
        DJANGO_SETTINGS_MODULE="tests.chaos.worker_settings",
        PROVIDER_READ_TIMEOUT=str(READ_TIMEOUT),
        PROVIDER_CONNECT_TIMEOUT="2",
    )
    worker = start_process(name, args, env)
    worker.wait_for_output("ready.", timeout=90)
    return worker


def order_params(rng: random.Random, service: Service, link: str) -> dict[str, str]:
    if service.service_type == ServiceType.PACKAGE:
        return {"link": link}
    if service.service_type == ServiceType.CUSTOM_COMMENTS:
        lines = rng.randint(service.min_quantity, service.min_quantity + 20)
        return {"link": link, "comments": "\n".join(f"nice {link[-6:]} #{i}" for i in range(lines))}
    high = min(service.max_quantity, service.min_quantity * 40)
    params = {"link": link, "quantity": str(rng.randint(service.min_quantity, high))}
    if service.dripfeed and rng.random() < 0.2:  # charged and refunded for quantity x runs
        params.update(runs=str(rng.randint(2, 4)), interval="10")
    return params
