"""Seeding of periodic tasks, for the apps' data migrations.

Schedules live in django-celery-beat's tables, where admins edit them. A migration adds a
missing task with its default interval and never touches one that exists, so an admin's
change survives upgrades and beat restarts.
"""

from __future__ import annotations


def seed_interval_task(apps, *, name: str, task: str, every: int, period: str = "seconds") -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=name).exists():
        return
    schedule, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
    PeriodicTask.objects.create(name=name, task=task, interval=schedule, enabled=True)


def unseed_task(apps, *, name: str) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()
