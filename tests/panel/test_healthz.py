from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from panel import health
from panel.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_database_broker_and_heartbeat_are_fine(client):
    health.heartbeat_record()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == body["broker"] == body["heartbeat"] == "ok"
    assert body["heartbeat_age_seconds"] < 5


def test_healthz_is_503_when_the_heartbeat_never_ran(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["heartbeat"] == "never ran"


def test_healthz_is_503_when_the_heartbeat_is_stale(client, settings):
    Heartbeat.objects.create(name=health.HEARTBEAT, last_seen=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["heartbeat"].startswith("stale")


def test_healthz_is_503_when_the_broker_is_down(client, settings, monkeypatch):
    health.heartbeat_record()
    from panel.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("unreachable")


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"].startswith("unreachable")
    assert body["heartbeat"] == "database down"


def test_heartbeat_task_records_the_time():
    from panel.tasks import heartbeat

    heartbeat.run()
    assert Heartbeat.objects.get(name=health.HEARTBEAT).last_seen > timezone.now() - timedelta(seconds=5)
