from django.db import migrations

from panel.schedules import seed_interval_tasks


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_idempotency_key"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        seed_interval_tasks(
            ("orders: purge old idempotency keys", "orders.tasks.purge_idempotency_keys", 3600)
        )
    ]
