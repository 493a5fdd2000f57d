"""Child processes of a benchmark or a test (gunicorn, a Celery worker): output in a file, stopped
with their group. The tests import them too (tests/conftest.py), so both start them the same way."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from benchmarks.bootstrap import ROOT


def environment(**extra: str) -> dict[str, str]:
    """This process's environment, unbuffered output and `extra`: a child's, unless it is given another."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", **extra}


class Child:
    def __init__(
        self, name: str, args: list[str], *, log_dir: Path, env: dict[str, str] | None = None
    ) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env=environment() if env is None else env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.popen.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not print {text!r}:\n{self.output()[-4000:]}")

    def wait_until_serving(self, url: str, timeout: float = 60) -> None:
        """Returns once `url` answers (whatever the status); raises if the process ends or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.popen.poll() is None:
            try:
                requests.get(url, timeout=5)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {url}:\n{self.output()[-4000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, sig)
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(10)
            except ProcessLookupError:
                pass
        self._log.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def group_cpu_seconds(group: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of process group `group`."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_args(port: int, *options: str) -> list[str]:
    """The command serving the panel with gunicorn on 127.0.0.1:`port`, with more `options`."""
    return [sys.executable, "-m", "gunicorn", "panel.wsgi", "-b", f"127.0.0.1:{port}", *options]


def celery_worker_args(*, concurrency: int, node: str, queues: str | None = None) -> list[str]:
    """The command of a Celery worker of `concurrency` prefork processes named `node`, logging each
    task, serving `queues` (comma-separated; all of them if None)."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "panel",
        "worker",
        "-c",
        str(concurrency),
        "-l",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        node,
        *(["-Q", queues] if queues else []),
    ]


def celery_worker(
    log_dir: Path,
    *,
    concurrency: int = 2,
    env: dict[str, str] | None = None,
    queues: str | None = None,
    name: str = "worker",
) -> Child:
    """A Celery worker on the bench database and this process's broker, ready when returned."""
    worker = Child(
        name,
        celery_worker_args(concurrency=concurrency, node=f"bench-{name}-{os.getpid()}@%h", queues=queues),
        log_dir=log_dir,
        env=environment(**(env or {})),
    )
    try:
        worker.wait_for_output("ready.", timeout=90)
    except BaseException:
        worker.stop()
        raise
    return worker
