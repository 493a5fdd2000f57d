"""The Celery app. Settings prefixed CELERY_ in panel.settings configure it.

Schedules live in the database (django-celery-beat), seeded by data migrations and edited
in the admin; nothing here declares `beat_schedule`, so starting beat never overwrites
what an admin changed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")

app = Celery("panel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
