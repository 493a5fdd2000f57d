from django.db import migrations

from panel.schedules import seed_interval_tasks


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_payment_clear_flag_permission"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        # Payments whose webhook was lost: asked about at their gateway (payments.tasks).
        seed_interval_tasks(("payments: check open payments", "payments.tasks.check_open_payments", 300))
    ]
