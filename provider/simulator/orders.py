"""What the simulated provider holds: orders, refills and the requests it received.

An order is not advanced by a timer: `state(now)` computes where it is from the simulated clock and
the plan drawn for it when it was placed.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from provider.statuses import OrderStatus, RefillStatus

# Simulated seconds. An order waits PENDING_SECONDS, then delivers for RUNNING_SECONDS (each drawn
# per order in these ranges); a cancel takes CANCEL_DELAY to be carried out; a refill is Pending,
# then In progress, then Completed or Rejected at REFILL_STEPS.
PENDING_SECONDS = (2.0, 8.0)
RUNNING_SECONDS = (20.0, 90.0)
CANCEL_DELAY = 5.0
REFILL_STEPS = (5.0, 20.0)
REFILL_REJECTED_SHARE = 0.2


class Received(NamedTuple):
    action: str
    params: dict[str, str]  # as received, without `key`
    at: float  # time.time()


@dataclass
class SimOrder:
    order_id: int
    service_id: int
    link: str
    params: dict[str, str]
    quantity: int  # units to deliver: quantity (x runs), lines, 1 for a package, max x posts
    charge: Decimal  # billed when placed
    created: float  # simulated clock
    pending_for: float
    running_for: float
    outcome: OrderStatus  # where it ends by itself: Completed, Partial or Canceled
    target: int  # units it delivers by itself
    processing: bool  # shows "Processing" rather than "In progress" in its first half
    start_count: int
    cancel_at: float | None = None
    forced: tuple[OrderStatus, int] | None = None
    final: tuple[OrderStatus, int] | None = None  # (status, remains) once settled
    refunded: Decimal = Decimal(0)
    kind: str = "Default"  # the service's type
    raw: str | None = None  # a spelling pinned by force_status (a subscription's "Paused")

    def delivered(self, at: float) -> int:
        share = (at - self.created - self.pending_for) / self.running_for
        return int(self.target * min(max(share, 0.0), 1.0))

    def state(self, now: float) -> tuple[OrderStatus, int]:
        """(status, remains) at simulated time `now`."""
        if self.final or self.forced:
            return self.final or self.forced  # type: ignore[return-value]
        if self.cancel_at is not None and now >= self.cancel_at:
            delivered = self.delivered(self.cancel_at)
            return (OrderStatus.PARTIAL if delivered else OrderStatus.CANCELED), self.quantity - delivered
        elapsed = now - self.created
        if elapsed < self.pending_for:
            return OrderStatus.PENDING, self.quantity
        if self.outcome == OrderStatus.CANCELED or elapsed >= self.pending_for + self.running_for:
            return self.outcome, self.quantity - self.target
        running = OrderStatus.PROCESSING if self.processing else OrderStatus.IN_PROGRESS
        if elapsed >= self.pending_for + self.running_for / 2:
            running = OrderStatus.IN_PROGRESS
        return running, self.quantity - self.delivered(now)

    def spelled(self, status: OrderStatus, remains: int) -> tuple[str, int | None]:
        """(the status as this order's type spells it, the drip-feed runs done or None).

        Subscriptions speak as Perfect Panel's do: Active while serving posts, Expired when they
        end with posts unserved, Canceled (with what is left) when canceled after serving some.
        """
        raw = self.raw or status.value
        if self.kind == "Subscriptions" and self.raw is None:
            if status in (OrderStatus.IN_PROGRESS, OrderStatus.PROCESSING):
                raw = "Active"
            elif status == OrderStatus.PARTIAL:
                raw = "Canceled" if self.cancel_at is not None else "Expired"
        runs = None
        if "runs" in self.params and self.params.get("quantity", "").strip().isdigit():
            total, per_run = int(self.params["runs"]), max(int(self.params["quantity"]), 1)
            runs = min((self.quantity - remains) // per_run, total)
        return raw, runs

    def snapshot(self, now: float) -> "OrderSnapshot":
        status, remains = self.state(now)
        return OrderSnapshot(
            self.order_id, self.service_id, self.link, dict(self.params), self.quantity, self.charge,
            status, remains, self.start_count, self.cancel_at is not None, self.refunded,
        )  # fmt: skip


@dataclass(frozen=True)
class OrderSnapshot:
    """An order as the simulator holds it, for tests: what was asked, billed and given back."""

    order_id: int
    service_id: int
    link: str
    params: dict[str, str]
    quantity: int
    charge: Decimal
    status: OrderStatus
    remains: int
    start_count: int
    cancel_requested: bool
    refunded: Decimal


@dataclass
class SimRefill:
    refill_id: int
    order_id: int
    created: float
    rejected: bool

    def status(self, now: float) -> RefillStatus:
        elapsed = now - self.created
        if elapsed < REFILL_STEPS[0]:
            return RefillStatus.PENDING
        if elapsed < REFILL_STEPS[1]:
            return RefillStatus.IN_PROGRESS
        return RefillStatus.REJECTED if self.rejected else RefillStatus.COMPLETED
