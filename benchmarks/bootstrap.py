"""A database and environment of the benchmarks' own, prepared before Django loads its settings.

The benchmarks never touch the developer's data: they run on a database named `panel_bench`
(BENCH_DATABASE overrides it) on the server DATABASE_URL points at, or on the embedded PostgreSQL
when it is unset, and drop and create that database at every run.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Environment:
    database_url: str  # the bench database, for child processes (gunicorn, the Celery worker)
    scratch: Path  # broker folders and logs of this run
    embedded: bool  # the embedded PostgreSQL serves it (and was started by this run if started_here)


def _admin_connection(url: str):
    """A connection to the `postgres` database of the server `url` points at."""
    import psycopg

    from panel.env import Env

    config = Env({"DATABASE_URL": url}).database()
    return psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def prepare() -> Environment:
    """Create the bench database afresh and point this process (and its children) at it."""
    name = os.environ.get("BENCH_DATABASE", "panel_bench")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"BENCH_DATABASE must be a plain name, not {name!r}")
    data_dir = Path(os.environ.get("PANEL_DATA_DIR", str(ROOT / ".data")))
    embedded = not os.environ.get("DATABASE_URL")
    if embedded:
        from panel import embedded_db

        server_url = embedded_db.ensure_running(data_dir, name)
    else:
        server_url = os.environ["DATABASE_URL"]
    url = urlsplit(server_url)._replace(path=f"/{name}").geturl()
    with _admin_connection(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')

    scratch = data_dir / "bench"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "panel.settings",
            # Production behaviour (no query log, no debug pages), with the development key and hosts.
            "DEBUG": "false",
            "PANEL_TESTING": "1",
            # This process's tasks (the forwarding benchmark's) go to a broker of its own.
            "PANEL_BROKER_DIR": str(scratch / "broker"),
            "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    os.environ.pop("REDIS_URL", None)
    return Environment(database_url=url, scratch=scratch, embedded=embedded)


def finish(environment: Environment) -> None:
    """Stop the embedded PostgreSQL if this run started it (as `make test` does)."""
    if environment.embedded:
        from django.conf import settings

        from panel import embedded_db

        if embedded_db.started_here:
            embedded_db.stop(settings.DATA_DIR)
