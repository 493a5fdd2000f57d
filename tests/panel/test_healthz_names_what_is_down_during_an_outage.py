"""/healthz during a real outage: 503, with what is down named (the database; the broker, when
Redis is down), never a 500. Real gunicorn on addresses that refuse connections."""

from __future__ import annotations

import requests

from benchmarks.processes import free_port
from tests.panel.outage_server import serve_during_outage


def test_healthz_names_the_database_when_postgresql_refuses_connections(start_process):
    reply = requests.get(f"{serve_during_outage(start_process)}/healthz", timeout=30)
    assert reply.status_code == 503
    body = reply.json()
    assert body["status"] == "error"
    assert body["database"] == "unreachable: OperationalError"
    assert body["down"][0] == "database"


def test_healthz_names_the_broker_when_redis_refuses_connections(start_process):
    url = serve_during_outage(start_process, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    body = requests.get(f"{url}/healthz", timeout=30).json()
    assert body["broker"].startswith("unreachable")
    assert "broker" in body["down"]
