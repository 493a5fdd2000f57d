"""While Redis is down (the cache API keys and request limits live in), API v2 answers 503 with a
clear message, never a 500 (panel/outage.py). Real gunicorn on a Redis URL that refuses connections;
the database is the test database, up."""

from __future__ import annotations

import pytest
import requests

from benchmarks.processes import free_port, gunicorn_args
from tests.conftest import child_environment


@pytest.mark.django_db(transaction=True)
def test_an_api_v2_call_while_redis_is_down_is_a_503(start_process, make_reseller):
    reseller = make_reseller("10")
    port = free_port()
    env = child_environment(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", API_KEY_CACHE_SECONDS="30")
    server = start_process("gunicorn", gunicorn_args(port, "--workers", "1", "--threads", "2"), env)
    url = f"http://127.0.0.1:{port}/api/v2"
    server.wait_until_serving(url)
    reply = requests.post(url, data={"key": reseller.key, "action": "balance"}, timeout=60)
    assert reply.status_code == 503
    assert "cannot reach its cache and task queue" in reply.json()["error"]
