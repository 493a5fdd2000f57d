from django.db import migrations

from panel.schedules import tasks_in_seconds


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0004_payment_reversed_totals"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # Seeded as "5 minutes" before every schedule was read in seconds (panel/schedules.py).
    operations = [tasks_in_seconds("payments: check open payments")]
