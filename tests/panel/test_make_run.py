"""`make run`'s command serves the panel on the embedded database and stops everything on SIGTERM."""

import os
import re
import signal
import socket
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from panel import embedded_db

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def scratch_data_dir(tmp_path_factory):
    directory = Path(tmp_path_factory.mktemp("run"))
    yield directory
    embedded_db.stop(directory)


def test_runpanel_serves_health_login_and_admin_then_stops_cleanly(start_process, scratch_data_dir):
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PANEL_TESTING"}}
    environment.update(
        DEBUG="true",
        PANEL_DATA_DIR=str(scratch_data_dir),
        PANEL_BROKER_DIR=str(scratch_data_dir / "broker"),
        PYTHONUNBUFFERED="1",
        HOST="127.0.0.1",
        PORT=str(port),
    )
    panel = start_process("runpanel", [sys.executable, "manage.py", "runpanel"], env=environment)
    panel.wait_for_output("Ctrl-C stops everything", timeout=180)
    password = re.search(r"as admin@example\.com / (\S+)", panel.output()).group(1)
    base = f"http://127.0.0.1:{port}"

    deadline = time.monotonic() + 90
    health = None
    while time.monotonic() < deadline:
        try:
            health = requests.get(f"{base}/healthz", timeout=5)
            if health.status_code == 200:
                break
        # Refused before gunicorn listens; a read timeout while its workers are still booting on a
        # loaded machine (the master's socket takes the connection before any worker answers).
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(1)
    assert health is not None and health.status_code == 200, panel.output()[-3000:]

    session = requests.Session()
    # /admin/login/ sends staff to the site's login page (allauth: rate limits, two-factor).
    login = session.get(f"{base}/admin/login/?next=/admin/", timeout=10)
    assert login.status_code == 200 and login.url.startswith(f"{base}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    signed_in = session.post(
        login.url,
        data={"login": "admin@example.com", "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": login.url},
        timeout=10,
    )
    # The demo admin has no second factor yet: the admin sends them to set one up (STAFF_REQUIRE_2FA).
    assert signed_in.status_code == 200 and signed_in.url == f"{base}/account/2fa/"
    assert "Staff need two-factor authentication" in signed_in.text
    assert "the admin first asks for two-factor" in panel.output()
    # With DEBUG=true and no gateway's secrets, the test gateway is offered and its server runs.
    assert "test gateway (no real money) at http://127.0.0.1:" in panel.output()
    add_funds = session.get(f"{base}/payments/add/", timeout=10)
    assert add_funds.status_code == 200 and "Test gateway (no real money)" in add_funds.text
    assert requests.get(f"{base}/login/", timeout=10).status_code == 200

    children = psutil.Process(panel.popen.pid).children(recursive=True)
    assert len(children) >= 3
    panel.popen.send_signal(signal.SIGTERM)
    panel.popen.wait(60)
    time.sleep(1)
    assert not [child for child in children if child.is_running() and child.status() != psutil.STATUS_ZOMBIE]
    assert "embedded PostgreSQL stopped" in panel.output()
    assert not embedded_db.is_running(scratch_data_dir)
