"""Results, the machine they were measured on, the printed table and benchmarks/results.json."""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"


@dataclass
class Result:
    """One figure. `target`: what it must stay under ("<") or reach (">="), None when only shown."""

    name: str
    value: float
    unit: str
    target: str | None = None
    target_met: bool | None = None

    @classmethod
    def under(cls, name: str, value: float, unit: str, limit: float) -> Result:
        return cls(name, value, unit, f"< {limit:g} {unit}", value < limit)

    @classmethod
    def at_least(cls, name: str, value: float, unit: str, floor: float, what: str = "") -> Result:
        return cls(name, value, unit, f">= {what or f'{floor:g} {unit}'}", value >= floor)

    @classmethod
    def equal(cls, name: str, value: float, unit: str, expected: float, what: str = "") -> Result:
        return cls(name, value, unit, f"= {what or f'{expected:g}'}", value == expected)


def percentile(samples: list[float], share: float) -> float:
    """The `share` (0-100) percentile of `samples`, interpolated; 0 for no samples."""
    if not samples:
        return 0.0
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=1000, method="inclusive")[min(int(share * 10) - 1, 998)]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def machine() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": _cpu_model(),
        "memory": _memory(),
        "postgresql": postgres,
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _show(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


def table(results: list[Result]) -> str:
    rows = [("benchmark", "value", "target", "met")]
    for result in results:
        met = "" if result.target_met is None else ("yes" if result.target_met else "NO")
        rows.append((result.name, f"{_show(result.value)} {result.unit}", result.target or "", met))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown(results: list[Result], about: dict[str, Any]) -> str:
    """The table as docs/benchmarks.md shows it."""
    lines = ["| benchmark | value | target | met |", "|---|---|---|---|"]
    for result in results:
        met = "" if result.target_met is None else ("yes" if result.target_met else "**no**")
        lines.append(
            f"| {result.name} | {_show(result.value)} {result.unit} | {result.target or ''} | {met} |"
        )
    lines.append("")
    lines.append(
        f"Measured {about['date']} on {about['nproc']} x {about['cpu']}, {about['memory']}, "
        f"PostgreSQL {about['postgresql']}, Python {about['python']}; load average "
        f"{about['load_average_at_start'][0]} at the start (a machine shared with other work)."
    )
    return "\n".join(lines)


def write(results: list[Result], about: dict[str, Any], path: Path = RESULTS_PATH) -> None:
    document = {"machine": about, "results": [asdict(result) for result in results]}
    path.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":  # python -m benchmarks.report: results.json as the table of docs/benchmarks.md
    document = json.loads(RESULTS_PATH.read_text())
    print(markdown([Result(**result) for result in document["results"]], document["machine"]))
