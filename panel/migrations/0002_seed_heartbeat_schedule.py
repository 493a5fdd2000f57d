from django.db import migrations

from panel.schedules import seed_interval_task, unseed_task

NAME = "panel: heartbeat"


def seed(apps, schema_editor):
    seed_interval_task(apps, name=NAME, task="panel.tasks.heartbeat", every=30)


def unseed(apps, schema_editor):
    unseed_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("panel", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
