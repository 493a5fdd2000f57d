"""Seeding of periodic tasks, for the apps' data migrations.

Schedules live in django-celery-beat's tables, where admins edit them. A migration adds a
missing task with its default interval and never touches one that exists, so an admin's
change survives upgrades and beat restarts. Every interval the panel seeds is in seconds, one
unit to read them all by in the admin (`tasks_in_seconds` moved the older ones).
"""

from __future__ import annotations

from django.db import migrations
from django.utils import timezone

# django-celery-beat's interval periods in seconds; "microseconds" is left as it is.
_SECONDS_IN = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def seed_interval_task(apps, *, name: str, task: str, every: int) -> None:
    """Adds `task` as `name`, run every `every` seconds, unless a task of that name exists."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=name).exists():
        return
    schedule, _ = IntervalSchedule.objects.get_or_create(every=every, period="seconds")
    PeriodicTask.objects.create(name=name, task=task, interval=schedule, enabled=True)


def unseed_task(apps, *, name: str) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()


def seed_interval_tasks(*schedules: tuple[str, str, int]) -> migrations.RunPython:
    """The migration operation that seeds each `(name, task, every seconds)` and, reversed,
    deletes those tasks by name."""

    def seed(apps, schema_editor):
        for name, task, every in schedules:
            seed_interval_task(apps, name=name, task=task, every=every)

    def unseed(apps, schema_editor):
        for name, *_ in schedules:
            unseed_task(apps, name=name)

    return migrations.RunPython(seed, unseed)


def tasks_in_seconds(*names: str) -> migrations.RunPython:
    """The migration operation that moves the tasks `names` from an interval in minutes, hours or
    days to the same interval in seconds: what they run at is kept (an admin's change with it),
    only the unit changes. Reversed, it leaves them in seconds, which runs them just the same."""

    def convert(apps, schema_editor):
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        moved = 0
        tasks = PeriodicTask.objects.filter(name__in=names, interval__period__in=_SECONDS_IN)
        for periodic in tasks.exclude(interval__period="seconds").select_related("interval"):
            every = periodic.interval.every * _SECONDS_IN[periodic.interval.period]
            periodic.interval, _ = IntervalSchedule.objects.get_or_create(every=every, period="seconds")
            periodic.save(update_fields=["interval"])
            moved += 1
        if moved:
            _tell_beat(apps)

    return migrations.RunPython(convert, migrations.RunPython.noop)


def unschedule_tasks(*tasks: str) -> migrations.RunPython:
    """The migration operation that deletes every periodic task running one of `tasks` (by task
    name, whoever created it). Not reversible into anything: reversed, it does nothing."""

    def delete(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        deleted, _ = PeriodicTask.objects.filter(task__in=tasks).delete()
        if deleted:
            _tell_beat(apps)

    return migrations.RunPython(delete, migrations.RunPython.noop)


def _tell_beat(apps) -> None:
    # A running beat reloads its schedule when this stamp moves; the models' signals that move it
    # are not connected to a migration's historical models.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
