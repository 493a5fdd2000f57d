"""The simulated provider's books and the API v2 actions on them, without HTTP.

Each read settles first: an order found final is refunded then, once, back to the balance.
"""

import random
import threading
import time
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal
from typing import Any

from provider.simulator.catalog import AMOUNT, SimError, SimService, default_catalog, price
from provider.simulator.faults import Dice, Faults
from provider.simulator.orders import (
    CANCEL_DELAY,
    PENDING_SECONDS,
    REFILL_REJECTED_SHARE,
    RUNNING_SECONDS,
    OrderSnapshot,
    Received,
    SimOrder,
    SimRefill,
)
from provider.statuses import FINAL_STATUSES, OrderStatus

MAX_IDS = 100
FIRST_ORDER_ID = 10001
FIRST_REFILL_ID = 501

# How `status_variants` spells each status, as providers in the wild do.
VARIANTS: dict[OrderStatus, tuple[str | int, ...]] = {
    OrderStatus.PENDING: ("pending", "PENDING", 0, "0"),
    OrderStatus.IN_PROGRESS: ("In_progress", "in progress", "INPROGRESS", "Active", 1, "1"),
    OrderStatus.PROCESSING: ("processing", 5, "5"),
    OrderStatus.COMPLETED: ("completed", "COMPLETED", 2, "2"),
    OrderStatus.PARTIAL: ("partial", "Partially completed", 3, "3"),
    OrderStatus.CANCELED: ("Cancelled", "Refunded", "canceled", "Cancel", 4, "4"),
}
CONTRADICTIONS = ("In progress", "Pending", "Unknown", "")


def _money(amount: Decimal) -> str:
    return str(amount.quantize(AMOUNT))


def _ids(text: str) -> list[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not ids or len(ids) > MAX_IDS:
        raise SimError("Incorrect request")
    return ids


class SimState:
    """A provider's services, orders, refills and balance, behind one lock."""

    def __init__(
        self,
        *,
        seed: int = 0,
        time_scale: float = 1.0,
        partial_share: float = 0.1,
        cancel_share: float = 0.05,
        faults: Faults | None = None,
        balance: Decimal = Decimal("1000"),
        honours_idempotency_keys: bool = False,
    ) -> None:
        self.seed = seed
        # HonestSMM ignores an unknown `idempotency_key`; a panel running this software keeps it.
        self.honours_idempotency_keys = honours_idempotency_keys
        self.time_scale = time_scale
        self.partial_share = partial_share
        self.cancel_share = cancel_share
        self.currency = "USD"
        self._initial = (faults, Decimal(balance))
        self._lock = threading.RLock()
        self.reset()

    # -- test hooks -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the state the simulator was created in: catalog, balance, faults; no orders."""
        with self._lock:
            self.services: dict[int, SimService] = default_catalog(self.seed)
            self._balance = self._initial[1]
            self.dice = Dice(self._initial[0])
            self._orders: dict[int, SimOrder] = {}
            self._keys: dict[str, int] = {}  # idempotency_key -> the order placed under it
            self._open: set[int] = set()
            self._refills: dict[int, SimRefill] = {}
            self._received: list[Received] = []
            self._started = time.monotonic()
            self._offset = 0.0
            self._at = 0.0  # the clock reading of the API call under way (see _settle)
            self._unheld: Callable[[int], dict[str, Any] | None] | None = None

    def now(self) -> float:
        """The simulated clock, in seconds."""
        return (time.monotonic() - self._started) * self.time_scale + self._offset

    def advance(self, seconds: float) -> None:
        """Moves the simulated clock on (with `time_scale=0`, the only thing that moves it)."""
        with self._lock:
            self._offset += seconds

    @property
    def balance(self) -> Decimal:
        with self._lock:
            self._settle()
            return self._balance

    def set_balance(self, amount: Decimal) -> None:
        with self._lock:
            self._balance = Decimal(amount)

    def set_faults(self, faults: Faults | None) -> None:
        with self._lock:
            self.dice = Dice(faults)

    def set_service(self, service_id: int, **changes: Any) -> SimService:
        """Changes a service's fields (rate, min, max, refill, ...); KeyError if there is none."""
        with self._lock:
            self.services[service_id] = self.services[service_id].changed(**changes)
            return self.services[service_id]

    def add_service(self, service: SimService) -> None:
        with self._lock:
            self.services[service.service_id] = service

    def remove_service(self, service_id: int) -> None:
        with self._lock:
            self.services.pop(service_id, None)

    def answer_unheld_orders(self, answer: Callable[[int], dict[str, Any] | None] | None) -> None:
        """Benchmarks: `status` (many-form) answers an order id it does not hold with `answer(id)`,
        an API v2 status entry, rather than "Incorrect order ID" (when it returns None). A hundred
        thousand orders then need neither placing here nor settling on every call. None: off."""
        with self._lock:
            self._unheld = answer

    @property
    def received(self) -> list[Received]:
        """Every request received (with a valid key or not), oldest first."""
        with self._lock:
            return list(self._received)

    def record(self, action: str, params: dict[str, str]) -> None:
        with self._lock:
            self._received.append(Received(action, dict(params), time.time()))

    def orders(self) -> list[OrderSnapshot]:
        with self._lock:
            now = self._settle()
            return [order.snapshot(now) for order in self._orders.values()]

    def order(self, order_id: int) -> OrderSnapshot:
        with self._lock:
            now = self._settle()
            return self._orders[order_id].snapshot(now)

    def force_status(
        self, order_id: int, status: OrderStatus | str, *, remains: int | None = None, raw: str | None = None
    ) -> None:
        """Pins an order's status (answered as `raw` when given). A final one is settled (refunded)
        at once and cannot be changed again; `remains` defaults to 0 (Completed), half (Partial)
        or all (otherwise)."""
        with self._lock:
            status = OrderStatus(status)
            order = self._orders[order_id]
            if order.final:
                raise ValueError(f"order {order_id} is already {order.final[0]}")
            if remains is None:
                remains = {OrderStatus.COMPLETED: 0, OrderStatus.PARTIAL: order.quantity // 2}.get(
                    status, order.quantity
                )
            order.forced, order.raw = (status, int(remains)), raw
            self._settle()

    # -- the books ------------------------------------------------------------------------------

    def _settle(self) -> float:
        """Settles every open order that has become final: Partial refunds the undelivered share
        (rounded down), Canceled all of it. Runs under the lock before anything reads the books.

        Returns the clock reading it settled at: whatever reads the books next must use it, not
        a later reading, or an order turning final in between is shown final but not refunded."""
        now = self.now()
        for order_id in list(self._open):
            order = self._orders[order_id]
            status, remains = order.state(now)
            if status not in FINAL_STATUSES:
                continue
            if status == OrderStatus.CANCELED:
                order.refunded = order.charge
            elif status == OrderStatus.PARTIAL:
                share = order.charge * remains / order.quantity
                order.refunded = min(share.quantize(AMOUNT, rounding=ROUND_DOWN), order.charge)
            order.final = (status, remains)
            self._balance += order.refunded
            self._open.discard(order_id)
        return now

    def _plan(self, order_id: int, quantity: int) -> dict[str, Any]:
        rng = random.Random(f"{self.seed}:order:{order_id}")
        roll = rng.random()
        outcome = OrderStatus.COMPLETED
        target = quantity
        if roll < self.cancel_share:
            outcome, target = OrderStatus.CANCELED, 0
        elif roll < self.cancel_share + self.partial_share and quantity >= 2:
            outcome, target = OrderStatus.PARTIAL, max(1, int(quantity * rng.uniform(0.1, 0.9)))
        return {
            "pending_for": rng.uniform(*PENDING_SECONDS),
            "running_for": rng.uniform(*RUNNING_SECONDS),
            "outcome": outcome,
            "target": target,
            "processing": rng.random() < 0.25,
            "start_count": rng.randint(0, 50000),
        }

    # -- API v2 ---------------------------------------------------------------------------------

    def api(self, action: str, params: dict[str, str]) -> Any:
        """The JSON-ready answer to an authenticated `action`; SimError for an API error."""
        handler = {
            "services": self._services,
            "add": self._add,
            "status": self._status,
            "refill": self._refill,
            "refill_status": self._refill_status,
            "cancel": self._cancel,
            "balance": self._balance_answer,
        }.get(action)
        if handler is None:
            raise SimError("Incorrect request")
        with self._lock:
            self._at = self._settle()  # one instant for the whole call
            return handler(params)

    def _services(self, params: dict[str, str]) -> list[dict[str, Any]]:
        return [service.to_api() for service in self.services.values()]

    def _balance_answer(self, params: dict[str, str]) -> dict[str, str]:
        return {"balance": _money(self._balance), "currency": self.currency}

    def holds_key(self, params: dict[str, str]) -> bool:
        """Whether an order was placed under this request's idempotency_key (when keys are honoured)."""
        with self._lock:
            return self.honours_idempotency_keys and params.get("idempotency_key", "") in self._keys

    def _add(self, params: dict[str, str]) -> dict[str, int]:
        key = params.get("idempotency_key", "") if self.honours_idempotency_keys else ""
        if key in self._keys:  # as our API v2 does: the same key and parameters, the first order
            first = self._orders[self._keys[key]]
            if first.params != params:
                raise SimError("This idempotency key was already used for a different order")
            return {"order": first.order_id}
        try:
            service = self.services[int(params.get("service", ""))]
        except (KeyError, ValueError):
            raise SimError("Incorrect service ID") from None
        quantity, charge = price(service, params)
        link = params.get("link", "").strip() or params.get("username", "").strip()
        now = self._at
        for order_id in self._open:
            other = self._orders[order_id]
            if other.link == link and other.service_id == service.service_id:
                raise SimError(
                    "You have active order with this link. Please wait until order being completed."
                )
        if charge > self._balance:
            raise SimError("Not enough funds on balance")
        order_id = FIRST_ORDER_ID + len(self._orders)
        plan = self._plan(order_id, quantity)
        self._orders[order_id] = SimOrder(
            order_id, service.service_id, link, dict(params), quantity, charge, now, **plan, kind=service.type
        )
        self._open.add(order_id)
        self._balance -= charge
        if key:
            self._keys[key] = order_id
        return {"order": order_id}

    def _order_answer(self, order: SimOrder, now: float) -> dict[str, Any]:
        status, remains = order.state(now)
        spelled, runs = order.spelled(status, remains)
        raw: str | int = spelled
        start_count: str | None = None if status == OrderStatus.PENDING else str(order.start_count)
        if order.final and self.dice.fires("contradictions", "status"):
            raw = self.dice.choice("contradictions", CONTRADICTIONS)  # an earlier answer, again
            remains = order.quantity // 2
        elif self.dice.fires("status_variants", "status"):
            raw = self.dice.choice("status_variants", VARIANTS[status])
            if status == OrderStatus.COMPLETED and self.dice.choice("status_variants", (True, False)):
                remains = -self.dice.choice("status_variants", range(1, 50))  # over-delivered
            start_count = self.dice.choice("status_variants", (start_count, None, ""))
        answer = {
            "charge": _money(order.charge - order.refunded),
            "start_count": start_count,
            "status": raw,
            "remains": str(remains),
            "currency": self.currency,
        }
        return answer if runs is None else {**answer, "runs": str(runs)}

    def _status(self, params: dict[str, str]) -> dict[str, Any]:
        now = self._at
        if "orders" not in params:
            return self._order_answer(self._order(params.get("order")), now)
        answers: dict[str, Any] = {}
        for text in _ids(params["orders"]):
            order = self._orders.get(_int_or_none(text) or 0)
            unheld = self._unheld(_int_or_none(text) or 0) if order is None and self._unheld else None
            if unheld is not None:
                answers[text] = unheld
            elif order is None or self.dice.fires("incorrect_order_id", "status"):
                answers[text] = {"error": "Incorrect order ID"}
            else:
                answers[text] = self._order_answer(order, now)
        if self.dice.fires("unasked_ids", "status"):
            others = [order_id for order_id in self._orders if str(order_id) not in answers]
            for _ in range(min(5, len(others))):
                order_id = self.dice.choice("unasked_ids", others)
                answers[str(order_id)] = self._order_answer(self._orders[order_id], now)
        if self.dice.fires("contradictions", "status"):
            keys = list(answers)
            self.dice.shuffle("contradictions", keys)
            answers = {key: answers[key] for key in keys}
        return answers

    def _order(self, text: str | None) -> SimOrder:
        order = self._orders.get(_int_or_none(text) or 0)
        if order is None:
            raise SimError("Incorrect order ID")
        return order

    def _refill_one(self, text: str) -> int:
        order = self._order(text)
        service = self.services.get(order.service_id)
        if service is None or not service.refill:
            raise SimError("Refill is disabled for this service")
        if order.final is None or order.final[0] == OrderStatus.CANCELED:
            raise SimError("Refill is not available for this order yet")
        refill_id = FIRST_REFILL_ID + len(self._refills)
        rejected = random.Random(f"{self.seed}:refill:{refill_id}").random() < REFILL_REJECTED_SHARE
        self._refills[refill_id] = SimRefill(refill_id, order.order_id, self._at, rejected)
        return refill_id

    def _refill(self, params: dict[str, str]) -> Any:
        if "orders" not in params:
            return {"refill": str(self._refill_one(params.get("order", "")))}
        ids = _ids(params["orders"])
        return [{"order": _int_or_text(text), "refill": _or_error(self._refill_one, text)} for text in ids]

    def _refill_state(self, text: str) -> str:
        refill = self._refills.get(_int_or_none(text) or 0)
        if refill is None:
            raise SimError("Refill not found")
        return refill.status(self._at).value

    def _refill_status(self, params: dict[str, str]) -> Any:
        if "refills" not in params:
            return {"status": self._refill_state(params.get("refill", ""))}
        ids = _ids(params["refills"])
        return [{"refill": _int_or_text(text), "status": _or_error(self._refill_state, text)} for text in ids]

    def _cancel_one(self, text: str) -> int:
        order = self._order(text)
        service = self.services.get(order.service_id)
        if service is None or not service.cancel:
            raise SimError("Cancel is disabled for this service")
        if order.final:
            raise SimError("Order cannot be canceled")
        if order.cancel_at is None:
            order.cancel_at = self._at + CANCEL_DELAY
        return 1

    def _cancel(self, params: dict[str, str]) -> list[dict[str, Any]]:
        ids = _ids(params.get("orders") or params.get("order", ""))
        return [{"order": _int_or_text(text), "cancel": _or_error(self._cancel_one, text)} for text in ids]


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def _int_or_text(text: str) -> int | str:
    number = _int_or_none(text)
    return text if number is None else number


def _or_error(action: Any, text: str) -> Any:
    try:
        return action(text)
    except SimError as error:
        return {"error": str(error)}
