from django.db import migrations

from panel.schedules import seed_interval_tasks

SCHEDULES = [
    ("orders: poll statuses", "orders.tasks.poll_orders", 60),
    ("orders: sweep stuck and lost", "orders.tasks.sweep_orders", 60),
    ("orders: send cancels", "orders.tasks.send_cancels", 60),
    ("orders: send refills", "orders.tasks.send_refills", 60),
    ("orders: poll refills", "orders.tasks.poll_refills", 300),
]


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [seed_interval_tasks(*SCHEDULES)]
