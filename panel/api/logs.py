"""Keeping API keys out of log lines.

Our own code never logs a key nor the parameters of a call. But request lines are logged by
others: gunicorn's access log (`--access-logfile -`, "GET /api/v2?key=...&action=status") and
Django's runserver (`django.server`). `MaskApiKeys` rewrites `key=<anything>` in a record's text
to `key=[hidden]`; `install()` puts it on those loggers and ours. It is called when the API's
URLs load, in every web process, before the first request line is logged (both servers log a
request after answering it).
"""

from __future__ import annotations

import logging
import re

_KEY = re.compile(r"((?:^|[?&;\s\"'])key=)[^&\s\"';]*", re.IGNORECASE)
HIDDEN = "[hidden]"

# The loggers that may see a URL with its query string.
LOGGERS = ("gunicorn.access", "django.server", "django.request", "panel.api")


def mask(text: str) -> str:
    return _KEY.sub(lambda match: match.group(1) + HIDDEN, text)


class MaskApiKeys(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: leave it to logging
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_installed = MaskApiKeys()


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _installed not in logger.filters:
            logger.addFilter(_installed)
