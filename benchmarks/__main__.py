"""`python -m benchmarks [name ...]`: run the benchmarks (all, or the ones named), print the table,
and, for a full run, write benchmarks/results.json. BENCH_QUICK=1 runs smaller sizes."""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import bootstrap

# In the order they run; intake and the orders page come last (their code was the newest).
BENCHMARKS = ("status_sync", "catalog_sync", "forwarding", "provider_speed", "intake", "orders_page")


@dataclass
class Context:
    quick: bool
    environment: bootstrap.Environment
    simulator: object = None
    started: float = field(default_factory=time.monotonic)

    @property
    def scratch(self) -> Path:
        return self.environment.scratch

    def log(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f} s] {message}", flush=True)


def main(argv: list[str]) -> int:
    wanted = argv or list(BENCHMARKS)
    unknown = set(wanted) - set(BENCHMARKS)
    if unknown:
        print(f"unknown benchmarks: {sorted(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    environment = bootstrap.prepare()
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks import fixtures, report

    ctx = Context(quick=os.environ.get("BENCH_QUICK", "") not in ("", "0"), environment=environment)
    ctx.log(f"database {environment.database_url.rsplit('/', 1)[-1]} created; migrating")
    call_command("migrate", verbosity=0, interactive=False)
    about = report.machine()
    ctx.log(f"machine: {about}")
    ctx.simulator = fixtures.start_simulator()
    results: list[report.Result] = []
    failed: list[str] = []
    try:
        for name in BENCHMARKS:
            if name not in wanted:
                continue
            ctx.log(f"--- {name}")
            try:
                module = importlib.import_module(f"benchmarks.{name}")
                results.extend(module.run(ctx))
            except Exception:  # one broken benchmark must not lose the others' figures
                traceback.print_exc()
                failed.append(name)
    finally:
        ctx.simulator.stop()
        bootstrap.finish(environment)
    print()
    print(report.table(results))
    print()
    if argv:
        print("(a partial run: benchmarks/results.json is written by a full run only)")
    else:
        report.write(results, about)
        print(f"written: {report.RESULTS_PATH}")
    unmet = [result.name for result in results if result.target_met is False]
    if unmet:
        print(f"targets not met: {'; '.join(unmet)}")
    if failed:
        print(f"benchmarks that failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
