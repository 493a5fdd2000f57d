"""Seeding of periodic tasks, for the apps' data migrations.

Schedules live in django-celery-beat's tables, where admins edit them. A migration adds a
missing task with its default interval and never touches one that exists, so an admin's
change survives upgrades and beat restarts.
"""

from __future__ import annotations

from django.db import migrations


def seed_interval_task(apps, *, name: str, task: str, every: int, period: str = "seconds") -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=name).exists():
        return
    schedule, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
    PeriodicTask.objects.create(name=name, task=task, interval=schedule, enabled=True)


def unseed_task(apps, *, name: str) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()


def seed_interval_tasks(*schedules: tuple[str, str, int] | tuple[str, str, int, str]) -> migrations.RunPython:
    """The migration operation that seeds each `(name, task, every[, period])` (period in seconds
    unless given) and, reversed, deletes those tasks by name."""

    def seed(apps, schema_editor):
        for name, task, every, *period in schedules:
            seed_interval_task(
                apps, name=name, task=task, every=every, **({"period": period[0]} if period else {})
            )

    def unseed(apps, schema_editor):
        for name, *_ in schedules:
            unseed_task(apps, name=name)

    return migrations.RunPython(seed, unseed)
