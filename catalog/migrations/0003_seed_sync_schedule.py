from django.db import migrations

from panel.schedules import seed_interval_task, unseed_task

NAME = "catalog: sync services"


def seed(apps, schema_editor):
    seed_interval_task(apps, name=NAME, task="catalog.tasks.sync_all_providers", every=3600)


def unseed(apps, schema_editor):
    unseed_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_sync_fields_and_category_mapping"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
