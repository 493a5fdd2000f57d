"""Fixtures shared by every suite."""

from __future__ import annotations

import pytest
from django.conf import settings

from panel import embedded_db


def pytest_sessionfinish(session, exitstatus):
    # The session that started the embedded PostgreSQL stops it; one that found it running
    # (a `make run` beside it) leaves it alone.
    if getattr(settings, "EMBEDDED_DATABASE", False) and embedded_db.started_here:
        embedded_db.stop(settings.DATA_DIR)


@pytest.fixture
def catalog(provider) -> dict:
    """The first enabled service of each type, imported from the `provider` fixture of the suite
    (each suite points it at its own simulator)."""
    from catalog.models import Service
    from catalog.services import catalog_sync

    catalog_sync(provider=provider)
    services: dict = {}
    for service in Service.objects.filter(provider=provider, enabled=True).order_by("pk"):
        services.setdefault(service.type, service)
    return services


@pytest.fixture
def customer(django_user_model):
    return django_user_model.objects.create_user(email="customer@example.com", password="correct-horse-42")


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(email="admin@example.com", password="correct-horse-42")


# --- Real processes: a Celery worker and beat on the test database ---------------------------

import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import quote  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def child_database_url() -> str:
    """A DATABASE_URL naming the database this test runs on (the test database)."""
    from django.db import connection

    config = connection.settings_dict
    auth = quote(config["USER"] or "", safe="")
    if config["PASSWORD"]:
        auth += ":" + quote(config["PASSWORD"], safe="")
    host = quote(config["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{auth}@{host}:{config['PORT'] or 5432}/{config['NAME']}"


def child_environment(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": child_database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


class ChildProcess:
    """A process started for a test, its output in a file, stopped with its whole group."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
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
            time.sleep(0.2)
        raise AssertionError(f"{self.name} did not print {text!r}:\n{self.output()[-4000:]}")

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


@pytest.fixture
def start_process(tmp_path):
    started: list[ChildProcess] = []

    def start(name: str, args: list[str], env: dict[str, str] | None = None) -> ChildProcess:
        process = ChildProcess(name, args, env or child_environment(), tmp_path)
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop()


@pytest.fixture
def celery_worker(transactional_db, start_process):
    """A real Celery worker (two prefork processes) consuming the test broker, on the test database."""
    worker = start_process(
        "worker",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "panel",
            "worker",
            "-c",
            "2",
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
    )
    worker.wait_for_output("ready.", timeout=60)
    return worker
