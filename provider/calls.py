"""Many calls to one provider at once, within its limits (issue #17).

`ProviderCalls(provider).run(next_jobs)` runs each job's call in a thread and its `done` in the calling
thread, which alone touches the database: a call never runs inside a transaction, and each answer
is written by the caller as it comes back. At most `max_in_flight` calls are open at the provider
across every worker process: each open call holds a slot, a PostgreSQL session advisory lock taken
and released on the caller's connection (a worker killed mid-call loses its connection, and its
slots with it). Calls start no faster than the provider's rate, and a "Too many requests" halves
that rate for every worker (kept on the Provider row), which then grows back by RATE_RECOVERY a second.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, connections
from django.utils import timezone

from provider.client import ProviderError, ProviderRefused
from provider.models import Provider
from provider.statuses import RefusalKind

log = logging.getLogger(__name__)

_SLOT_LOCK = 7403  # advisory lock namespace: (7403, provider id * 1024 + slot)
_SLOTS_PER_PROVIDER = 1024
RATE_RECOVERY = 1.0  # calls a second regained every second after a slow-down (the additive increase)
MIN_RATE = 0.2  # calls a second: the slowest a provider is ever asked
UNTHROTTLED_ABOVE = 1000.0  # a slow-down grown back this far is over
_RETRY_SLOTS_EVERY = 0.2  # seconds between attempts to take more slots while all are held elsewhere


def is_rate_limited(error: BaseException) -> bool:
    return isinstance(error, ProviderRefused) and error.kind == RefusalKind.RATE_LIMIT


def effective_rate(provider: Provider, now: datetime | None = None) -> float | None:
    """Calls a second the provider may get now; None: no limit but `max_in_flight`."""
    rates = [float(provider.calls_per_second)] if provider.calls_per_second else []
    if provider.throttled_rate is not None and provider.throttled_at is not None:
        elapsed = ((now or timezone.now()) - provider.throttled_at).total_seconds()
        grown = provider.throttled_rate + max(elapsed, 0) * RATE_RECOVERY
        if grown < UNTHROTTLED_ABOVE:
            rates.append(grown)
    return min(rates) if rates else None


@dataclass
class Job:
    """One provider call (run in a thread, no database) and what to do with its answer or its
    ProviderError (run by the caller, in order of completion)."""

    call: Callable[[], Any]
    done: Callable[[Any], None]


@dataclass
class RunReport:
    calls: int = 0
    peak_in_flight: int = 0
    rate_limited: int = 0


class _Gate:
    """The provider's pace, shared by the threads of one run."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self._lock = threading.Lock()
        self._next_at = 0.0
        self._started: deque[float] = deque(maxlen=4096)
        self.slowed_at = 0.0  # monotonic time of this run's last slow-down

    def turn(self) -> float:
        """Waits until a call may start (its time is reserved); returns that monotonic time."""
        with self._lock:
            now = time.monotonic()
            rate = effective_rate(self.provider)
            start = max(now, self._next_at) if rate else now
            if rate:
                self._next_at = start + 1 / rate
            self._started.append(start)
        if start > now:
            time.sleep(start - now)
        return start

    def slow_down(self, started: float) -> float | None:
        """After a "Too many requests" to a call started at `started`: half the pace, for every
        worker. Answers to calls started before the last slow-down do not halve it again."""
        with self._lock:
            if started < self.slowed_at:
                return None
            now = time.monotonic()
            recent = sum(1 for at in self._started if at > now - 1)
            current = effective_rate(self.provider)
            pace = max(recent, 1) if current is None else min(current, max(recent, 1))
            rate = max(pace / 2, MIN_RATE)
            self.slowed_at = now
            self.provider.throttled_rate, self.provider.throttled_at = rate, timezone.now()
        Provider.objects.filter(pk=self.provider.pk).update(
            throttled_rate=rate, throttled_at=self.provider.throttled_at
        )
        log.warning("provider %s: too many requests; slowed down to %.2f calls/s", self.provider.name, rate)
        return rate


class ProviderCalls:
    """Runs one provider's calls, up to `share` of its `max_in_flight` of them at once."""

    def __init__(self, provider: Provider, *, share: float = 1.0) -> None:
        # The limits as they are now, not as an old Provider instance remembers them.
        fresh = Provider.objects.filter(pk=provider.pk).values(
            "max_in_flight", "calls_per_second", "throttled_rate", "throttled_at"
        )[0]
        for name, value in fresh.items():
            setattr(provider, name, value)
        self.provider = provider
        self.limit = max(1, math.ceil(provider.max_in_flight * share))
        self.gate = _Gate(provider)
        self._held: list[int] = []

    # -- slots --------------------------------------------------------------------------------

    def _take_slots(self, count: int) -> int:
        """Takes up to `count` more free slots of the provider in one query; returns how many."""
        if count <= 0:
            return 0
        base = self.provider.pk * _SLOTS_PER_PROVIDER
        with connection.cursor() as cursor:
            # CASE keeps a slot this session holds already from being locked twice (advisory
            # locks are re-entrant); LIMIT stops at `count` locks taken.
            cursor.execute(
                "SELECT s FROM generate_series(0, %s - 1) AS s WHERE CASE WHEN s = ANY(%s::int[]) "
                "THEN false ELSE pg_try_advisory_lock(%s, %s + s) END LIMIT %s",
                [self.provider.max_in_flight, self._held, _SLOT_LOCK, base, count],
            )
            taken = [row[0] for row in cursor.fetchall()]
        self._held += taken
        return len(taken)

    def _release_slots(self) -> None:
        if not self._held:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, %s + s) FROM unnest(%s::int[]) AS s",
                [_SLOT_LOCK, self.provider.pk * _SLOTS_PER_PROVIDER, self._held],
            )
        self._held = []

    # -- running ------------------------------------------------------------------------------

    def _call(self, job: Job, started: float) -> tuple[Any, float]:
        try:
            return job.call(), started
        except ProviderError as error:
            return error, started
        finally:
            connections.close_all()  # this thread's own, if the call opened any

    def run(
        self,
        next_jobs: Callable[[int], list[Job]],
        *,
        expected: int = 1,
        until: float | None = None,
        flush: Callable[[], None] | None = None,
    ) -> RunReport:
        """Runs the jobs `next_jobs(n)` hands out, up to n of them, asked for when n calls may start
        (one at a time while the provider has a pace: claimed work never waits long for its turn).
        An empty list means none for now: it is asked again after the next answers (a `done` may
        have added work). The run ends when there are none and no call is open, or once the monotonic
        time `until` passes and every call started is done. `flush()` runs after each batch of `done`s."""
        report = RunReport()
        in_flight: dict[Future, Job] = {}
        pending: deque[Job] = deque()  # handed out, waiting for a slot: claimed work is sent, late or not
        exhausted = False
        next_slot_try = 0.0
        executor = ThreadPoolExecutor(self.limit, thread_name_prefix=f"provider-{self.provider.pk}")
        try:
            self._take_slots(min(self.limit, max(expected, 1)))
            while True:
                late = until is not None and time.monotonic() >= until
                exhausted = exhausted or late
                while len(in_flight) < self.limit:
                    free = len(self._held) - len(in_flight)
                    if not pending and not exhausted:
                        paced = effective_rate(self.provider) is not None
                        got = next_jobs(1 if free <= 0 or paced else min(free, self.limit - len(in_flight)))
                        exhausted = not got
                        pending.extend(got)
                    if not pending:
                        break
                    if free <= 0:
                        now = time.monotonic()
                        grow = min(self.limit - len(self._held), max(len(self._held), 1))
                        if now < next_slot_try or not self._take_slots(grow):
                            next_slot_try = max(next_slot_try, now + _RETRY_SLOTS_EVERY)
                            break  # every slot is in use elsewhere: wait for ours or try again soon
                        continue
                    job = pending.popleft()
                    started = self.gate.turn()
                    in_flight[executor.submit(self._call, job, started)] = job
                    report.calls += 1
                    report.peak_in_flight = max(report.peak_in_flight, len(in_flight))
                if not in_flight:
                    if exhausted and not pending:
                        return report
                    time.sleep(_RETRY_SLOTS_EVERY)  # no slot free at all: another worker holds them
                    continue
                finished, _ = wait(in_flight, timeout=_RETRY_SLOTS_EVERY, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = in_flight.pop(future)
                    answer, started = future.result()
                    if is_rate_limited(answer):
                        report.rate_limited += 1
                        self.gate.slow_down(started)
                    job.done(answer)
                if finished and flush is not None:
                    flush()
                exhausted = late
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
            self._release_slots()
