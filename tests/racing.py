"""Races in tests: jobs in threads of their own, released at the same moment."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection


def race(jobs: Sequence[Callable[[], Any]], *, timeout: float = 60) -> list[Any]:
    """Run each job in a thread of its own (its own database connection, closed after), all released
    at once by a barrier. Returns what each job returned, in no particular order; a job that raised
    gives `"error: <repr>"` instead, so that a deadlock or any surprise shows in the assertion.
    Fails the test when a thread is still running `timeout` seconds after the start."""
    barrier = threading.Barrier(len(jobs), timeout=timeout)
    outcomes: list[Any] = []
    lock = threading.Lock()

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcome = job()
        except Exception as error:
            outcome = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout  # one deadline for all: a hang is reported in `timeout`
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    assert len(outcomes) == len(jobs), f"{len(jobs) - len(outcomes)} of {len(jobs)} threads hung"
    return outcomes


def placed_or_refusal(**order: Any) -> str:
    """order_place(**order) as a racing job's outcome: "placed", or the message it was refused with."""
    from orders.errors import OrderRefused
    from orders.services.placing import order_place

    try:
        order_place(**order)
    except OrderRefused as refusal:
        return refusal.message
    return "placed"
