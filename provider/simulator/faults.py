"""Seeded misbehaviour for the simulator: the failures a live provider shows, replayable by seed."""

import json
import random
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T")

# The actions each fault hits unless `Faults.only` narrows or widens it; None: every action.
DEFAULT_SCOPE: dict[str, tuple[str, ...] | None] = {
    "latency": None,
    "rate_limit": None,
    "http_500": None,
    "html": None,
    "truncated_json": None,
    "add_accepted_late": ("add",),
    "add_timeout_before_accept": ("add",),
    "refusal": ("add",),
    "status_variants": ("status",),
    "incorrect_order_id": ("status",),
    "contradictions": ("status",),
    "unasked_ids": ("status",),
}

# What `refusal` answers `add` with: the provider received it and placed nothing.
TRANSIENT_REFUSALS = (
    "Not enough funds on balance",
    "neworder.error.not_enough_funds",
    "You have active order with this link. Please wait until order being completed.",
)  # "Too many requests" is a fault of its own, `rate_limit`: it slows the panel's calls down
PERMANENT_REFUSALS = (
    "Incorrect service ID",
    "error.incorrect_service_id",
    "Bad link",
    "neworder.error.min_quantity",
)


@dataclass
class Faults:
    """How a simulator misbehaves. Probabilities are per request (per id for the per-id faults);
    all draws come from `seed`, so the same requests meet the same failures.

    - `latency`: seconds added before every answer.
    - `rate_limit`: HTTP 429 `{"error": "Too many requests"}`, before acting.
    - `add_accepted_late`: the order is placed, then the answer waits `late_delay` seconds
      (set it past the client's read timeout).
    - `add_timeout_before_accept`: waits `late_delay` seconds, places nothing, answers nothing.
    - `http_500`: HTTP 500 with an HTML body, before acting. `html`: an HTML page with HTTP 200,
      before acting. `truncated_json`: the answer cut in half, after acting.
    - `status_variants`: statuses spelled as in the wild ("Cancelled", "completed", "Refunded",
      numeric codes, "In_progress"), negative `remains` on completed orders, null `start_count`.
    - `incorrect_order_id`: "Incorrect order ID" in place of an existing order in `status` many.
    - `refusal`: `add` refused; `refusal_permanent` of those with a permanent text, the rest transient.
    - `contradictions`: a final order answered as "In progress", "Pending", "Unknown" or "" again,
      and many-form answers in shuffled order.
    - `unasked_ids`: a many-form `status` answer also carries orders it was not asked about (up to
      five others it holds, a hostile or confused provider's extra numbers).
    - `only`: fault name -> the actions it may hit (defaults: DEFAULT_SCOPE).
    - `at_most`: fault name -> how many times it may fire in all (e.g. two 500s, then health).
    """

    seed: int = 0
    latency: float = 0.0
    rate_limit: float = 0.0
    late_delay: float = 2.0
    add_accepted_late: float = 0.0
    add_timeout_before_accept: float = 0.0
    http_500: float = 0.0
    html: float = 0.0
    truncated_json: float = 0.0
    status_variants: float = 0.0
    incorrect_order_id: float = 0.0
    refusal: float = 0.0
    refusal_permanent: float = 0.5
    contradictions: float = 0.0
    unasked_ids: float = 0.0
    only: dict[str, list[str]] = field(default_factory=dict)
    at_most: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = (set(self.only) | set(self.at_most)) - set(DEFAULT_SCOPE)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Faults":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> "Faults":
        return cls.from_dict(json.loads(text))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Dice:
    """The draws of one `Faults`: one seeded stream per fault, so faults do not shift each other."""

    def __init__(self, faults: Faults | None) -> None:
        self.faults = faults or Faults()
        self._lock = threading.Lock()
        self._streams: dict[str, random.Random] = {}
        self._fired: dict[str, int] = {}

    def _stream(self, name: str) -> random.Random:
        if name not in self._streams:
            self._streams[name] = random.Random(f"{self.faults.seed}:{name}")
        return self._streams[name]

    def in_scope(self, name: str, action: str) -> bool:
        scope = self.faults.only.get(name, DEFAULT_SCOPE[name])
        return scope is None or action in scope

    def fires(self, name: str, action: str) -> bool:
        """Whether fault `name` strikes this `action` now (a draw is spent only when it could)."""
        probability = getattr(self.faults, name)
        if probability <= 0 or not self.in_scope(name, action):
            return False
        with self._lock:
            if self._fired.get(name, 0) >= self.faults.at_most.get(name, 1 << 62):
                return False
            if self._stream(name).random() >= probability:
                return False
            self._fired[name] = self._fired.get(name, 0) + 1
            return True

    def draw(self, name: str) -> float:
        with self._lock:
            return self._stream(name).random()

    def choice(self, name: str, options: Sequence[T]) -> T:
        with self._lock:
            return self._stream(name).choice(options)

    def shuffle(self, name: str, items: list[T]) -> None:
        with self._lock:
            self._stream(name).shuffle(items)
