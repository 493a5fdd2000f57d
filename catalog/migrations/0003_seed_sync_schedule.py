from django.db import migrations

from panel.schedules import seed_interval_tasks


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_sync_fields_and_category_mapping"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [seed_interval_tasks(("catalog: sync services", "catalog.tasks.sync_all_providers", 3600))]
