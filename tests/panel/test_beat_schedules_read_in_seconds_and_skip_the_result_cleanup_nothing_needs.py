"""Every periodic task the panel seeds runs at an interval in seconds, so the admin's schedule list
reads in one unit; the older "5 minutes" and "1 hours" move to the same interval in seconds. The
panel keeps no task results, so beat schedules no `celery.backend_cleanup`, and the one an older
beat created is deleted."""

import importlib

from django.apps import apps as django_apps
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from panel.celery import app


def migration_operation(app_label: str, name: str):
    return importlib.import_module(f"{app_label}.migrations.{name}").Migration.operations[0]


def test_every_seeded_interval_is_in_seconds(db):
    seeded = PeriodicTask.objects.filter(interval__isnull=False).select_related("interval")
    assert seeded.count() >= 10
    assert {task.interval.period for task in seeded} == {"seconds"}
    intervals = {task.name: task.interval.every for task in seeded}
    assert intervals["payments: check open payments"] == 300
    assert intervals["orders: purge old idempotency keys"] == 3600


def test_an_older_database_keeps_each_interval_in_seconds_an_admins_change_included(db):
    check = PeriodicTask.objects.get(name="payments: check open payments")
    check.interval = IntervalSchedule.objects.create(every=5, period="minutes")
    check.save()
    purge = PeriodicTask.objects.get(name="orders: purge old idempotency keys")
    purge.interval = IntervalSchedule.objects.create(every=2, period="hours")  # as an admin set it
    purge.save()

    migration_operation("payments", "0005_check_schedule_interval_in_seconds").code(django_apps, None)
    migration_operation("orders", "0009_idempotency_purge_interval_in_seconds").code(django_apps, None)

    check.refresh_from_db()
    purge.refresh_from_db()
    assert (check.interval.every, check.interval.period) == (300, "seconds")
    assert (purge.interval.every, purge.interval.period) == (7200, "seconds")


def test_beat_schedules_no_cleanup_of_results_the_panel_never_keeps(transactional_db):
    # Transactional: the scheduler closes the database connection as `celery beat` would.
    assert app.conf.task_ignore_result and app.conf.result_backend is None

    DatabaseScheduler(app=app)  # what `celery beat` sets up when it starts

    assert not PeriodicTask.objects.filter(task="celery.backend_cleanup").exists()


def test_the_cleanup_an_older_beat_created_is_deleted(db):
    daily = CrontabSchedule.objects.create(minute="0", hour="4")
    PeriodicTask.objects.create(name="celery.backend_cleanup", task="celery.backend_cleanup", crontab=daily)

    migration_operation("panel", "0006_unschedule_celery_backend_cleanup").code(django_apps, None)

    assert not PeriodicTask.objects.filter(task="celery.backend_cleanup").exists()
    assert PeriodicTask.objects.filter(name="orders: poll statuses").exists()
