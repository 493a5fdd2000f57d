from django.db import migrations

from panel.schedules import seed_interval_task, unseed_task

NAME = "provider: check balances"


def seed(apps, schema_editor):
    seed_interval_task(apps, name=NAME, task="provider.tasks.check_provider_balances", every=300)


def unseed(apps, schema_editor):
    unseed_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("provider", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
