"""A real worker and a real beat keep the heartbeat fresh, which /healthz reports."""

import sys
import time

from django.apps import apps as django_apps

from panel import health
from panel.models import Heartbeat
from panel.schedules import seed_interval_task


def test_worker_and_beat_make_healthz_report_the_heartbeat(celery_worker, start_process, client, tmp_path):
    # Transactional tests empty the tables between tests: seed the schedule again, as its migration does.
    seed_interval_task(django_apps, name="panel: heartbeat", task="panel.tasks.heartbeat", every=5)
    assert client.get("/healthz").status_code == 503

    start_process(
        "beat",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "panel",
            "beat",
            "-l",
            "INFO",
            "-s",
            str(tmp_path / "beat-schedule"),
        ],
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Heartbeat.objects.filter(name=health.HEARTBEAT).exists():
        time.sleep(0.5)

    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["heartbeat"] == "ok"
