from django.db import migrations

from panel.schedules import seed_interval_tasks


class Migration(migrations.Migration):
    dependencies = [
        ("panel", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [seed_interval_tasks(("panel: heartbeat", "panel.tasks.heartbeat", 30))]
