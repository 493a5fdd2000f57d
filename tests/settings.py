"""Settings for the test session: the panel's own, in testing mode.

PANEL_TESTING allows the development secret key and local hosts without turning DEBUG on
(tests should see the panel as production runs it).
"""

import os
from pathlib import Path

os.environ.setdefault("PANEL_TESTING", "1")
# Tests get their own filesystem broker folder, so that a `make run` worker beside them
# never takes their tasks (and they never take its).
os.environ.setdefault(
    "PANEL_BROKER_DIR", str(Path(__file__).resolve().parent.parent / ".data" / "broker-test")
)

# `make test` with DATABASE_URL unset: the embedded PostgreSQL (the panel's settings start nothing).
from panel import embedded_db

embedded_db.provide()

from panel.settings import *  # noqa: E402, F403

# Webhook tests deliver to a receiver on 127.0.0.1 over http (a test turns it off to see the refusal).
WEBHOOKS_ALLOW_PRIVATE_HOSTS = True
