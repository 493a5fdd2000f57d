"""The chaos run's worker: the test settings, with the filesystem broker read every 50 ms.

Kombu's filesystem transport looks for new messages once a second when its prefetch is full,
so a prefork worker without Redis runs at most `concurrency` tasks a second: the chaos run's
thousands of orders would take ten minutes to drain. Redis (CI) delivers at once.
"""

from tests.settings import *  # noqa: F403
from tests.settings import CELERY_BROKER_TRANSPORT_OPTIONS, REDIS_URL

if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "polling_interval": 0.05}
