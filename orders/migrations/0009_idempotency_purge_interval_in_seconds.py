from django.db import migrations

from panel.schedules import tasks_in_seconds


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_orderevent_shown"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # Seeded as "1 hours" before every schedule was read in seconds (panel/schedules.py).
    operations = [tasks_in_seconds("orders: purge old idempotency keys")]
