"""`make run-chain` (`runpanel --chain`): panel A on PORT, and panel B on PORT + 1 on a database of its
own, whose catalog is imported from A's API v2 with the key of a customer at A; SIGTERM stops both."""

from __future__ import annotations

import os
import re
import signal
import sys
import time

import psutil
import pytest
import requests
from django.db import connection

from benchmarks.processes import free_port
from tests.chain.conftest import _admin
from tests.conftest import child_database_url


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.django_db(transaction=True)
def test_run_chain_serves_b_with_a_as_its_provider_and_stops_both(start_process, tmp_path):
    name = f"{connection.settings_dict['NAME']}_demo"
    with _admin(connection.settings_dict) as admin:
        for database in (name, f"{name}_b"):  # B's is A's name with _b
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PANEL_TESTING"}}
    environment.update(
        DEBUG="true",
        DATABASE_URL=f"{child_database_url().rpartition('/')[0]}/{name}",
        PANEL_DATA_DIR=str(tmp_path / "data"),
        PYTHONUNBUFFERED="1",
        HOST="127.0.0.1",
        PORT=str(port),
    )
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    panel = start_process("run-chain", [sys.executable, "manage.py", "runpanel", "--chain"], env=environment)
    panel.wait_for_output("panel-b    |   admin:", timeout=180)
    output = panel.output()
    assert f"panel B:  http://127.0.0.1:{port + 1}/" in output
    assert re.search(r"panel-b +\| catalog from Default provider: .*20 services listed; 20 new", output), (
        output[-3000:]
    )
    assert "provider simulator at http://127.0.0.1:" in output  # A's provider; B's is A

    deadline = time.monotonic() + 90
    answered = None
    while time.monotonic() < deadline and answered is None:
        try:
            answered = requests.get(f"http://127.0.0.1:{port + 1}/login/", timeout=5)
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(1)
    assert answered is not None and answered.status_code == 200
    # B buys from A as one customer of A, named in the output.
    assert "panel B buys from this panel as panel-b@example.com" in output

    children = psutil.Process(panel.popen.pid).children(recursive=True)
    panel.popen.send_signal(signal.SIGTERM)
    panel.popen.wait(90)
    time.sleep(1)
    assert not [child for child in children if child.is_running() and child.status() != psutil.STATUS_ZOMBIE]
