from django.db import migrations

from panel.schedules import seed_interval_tasks


class Migration(migrations.Migration):
    dependencies = [
        ("provider", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        seed_interval_tasks(("provider: check balances", "provider.tasks.check_provider_balances", 300))
    ]
