"""What /healthz reports: the database, the broker and the Celery heartbeat."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

HEARTBEAT = "celery"


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def heartbeat_record() -> None:
    from panel.models import Heartbeat

    Heartbeat.objects.update_or_create(name=HEARTBEAT, defaults={"last_seen": timezone.now()})


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return Check(False, f"unreachable: {type(exc).__name__}")
    return Check(True, "ok")


def check_broker() -> Check:
    from panel.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return Check(False, f"unreachable: {type(exc).__name__}")
    return Check(True, "ok")


def check_heartbeat() -> tuple[Check, float | None]:
    """The heartbeat's check and its age in seconds (None when it never ran)."""
    from panel.models import Heartbeat

    try:
        last = Heartbeat.objects.filter(name=HEARTBEAT).values_list("last_seen", flat=True).first()
    except Exception as exc:
        return Check(False, f"unknown: {type(exc).__name__}"), None
    if last is None:
        return Check(False, "never ran"), None
    age = (timezone.now() - last).total_seconds()
    if age > settings.HEARTBEAT_MAX_AGE_SECONDS:
        return Check(False, f"stale ({age:.0f} s old)"), age
    return Check(True, "ok"), age


def report() -> tuple[bool, dict]:
    """(all healthy, the JSON body of /healthz)."""
    database = check_database()
    broker = check_broker()
    heartbeat, age = check_heartbeat() if database.ok else (Check(False, "database down"), None)
    checks = {"database": database, "broker": broker, "heartbeat": heartbeat}
    body = {
        "status": "ok" if database.ok and broker.ok and heartbeat.ok else "error",
        # What is down, by name, for a monitor to alert on without reading the details.
        "down": [name for name, check in checks.items() if not check.ok],
        "database": database.detail,
        "broker": broker.detail,
        "heartbeat": heartbeat.detail,
        "heartbeat_age_seconds": None if age is None else round(age, 1),
        "heartbeat_max_age_seconds": settings.HEARTBEAT_MAX_AGE_SECONDS,
    }
    return database.ok and broker.ok and heartbeat.ok, body
