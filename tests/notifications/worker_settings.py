"""The notifications worker's settings: the test settings, with e-mail written to files in
NOTIFICATIONS_TEST_MAIL_DIR, where the test reads what the worker sent."""

import os

from tests.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["NOTIFICATIONS_TEST_MAIL_DIR"]
