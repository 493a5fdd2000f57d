"""Fixtures for the chaos suites: a simulator that records every fault it fires, a provider and its
catalog, customers with money, a seed that replays a run."""

from __future__ import annotations

import itertools
import os
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from billing.services import ledger_deposit
from catalog.models import Service
from catalog.services import catalog_sync
from panel.models import User
from provider.models import Provider
from provider.simulator import Faults, Simulator
from provider.simulator.faults import Dice

# Faults that leave an `add` without a usable answer: the panel cannot know whether the
# provider placed the order, so each may make one order `unknown` (docs/design.md rule 3).
AMBIGUOUS_ADD_FAULTS = frozenset(
    {"add_accepted_late", "add_timeout_before_accept", "http_500", "html", "truncated_json"}
)

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
