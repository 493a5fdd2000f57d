from django.db import migrations

from panel.schedules import unschedule_tasks


class Migration(migrations.Migration):
    dependencies = [
        ("panel", "0005_alter_user_discount_percent"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # Beat added it while results could expire (CELERY_RESULT_EXPIRES), but the panel keeps no
    # results (CELERY_TASK_IGNORE_RESULT, no result backend): a daily task with nothing to clean.
    operations = [unschedule_tasks("celery.backend_cleanup")]
