"""The panel's real WSGI server (gunicorn) on a database, or a Redis, that refuses connections."""

from __future__ import annotations

from benchmarks.processes import free_port, gunicorn_args
from tests.conftest import child_environment


def serve_during_outage(start_process, **env: str) -> str:
    """Starts gunicorn on nothing that answers (DATABASE_URL a closed port unless `env` says
    otherwise) and returns its base URL."""
    port = free_port()
    closed = free_port()  # bound and released: nothing listens there
    environment = child_environment(DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/panel", **env)
    server = start_process("gunicorn", gunicorn_args(port, "--workers", "1", "--threads", "2"), environment)
    url = f"http://127.0.0.1:{port}"
    server.wait_until_serving(f"{url}/healthz")
    return url
