from django.db import migrations

from panel.schedules import seed_interval_tasks

SCHEDULES = [
    # Retries, and first attempts whose on-commit task the broker lost.
    ("webhooks: deliver due", "webhooks.tasks.deliver_webhooks", 30),
    ("webhooks: purge old deliveries", "webhooks.tasks.purge_webhook_deliveries", 86400),
]


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [seed_interval_tasks(*SCHEDULES)]
