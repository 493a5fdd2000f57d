"""Keeping API keys out of log lines.

Our own code never logs a key nor the parameters of a call. But request lines are logged by
others: gunicorn's access log (`--access-logfile -`, "GET /api/v2?key=...&action=status") and
Django's runserver (`django.server`). `MaskApiKeys` rewrites every parameter whose name, percent-
decoded, is `key` (any case: `key=`, `KEY=`, `%6Bey=`, as the query parser decodes names) to
`<name>=[hidden]`, after `?`, `&`, `;`, a space or a quote, in a record's message and its
exception text; `install()` puts it on those loggers and ours. It is called when the API's
URLs load, in every web process, before the first request line is logged (both servers log a
request after answering it).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

# One parameter of a query (or a form body): its name, from a separator up to `=`, and its value.
_PARAM = re.compile(r"(?:(?<=[?&;\s\"'])|^)([^=?&;\s\"']+)=([^&;\s\"']*)")
HIDDEN = "[hidden]"

# The loggers that may see a URL with its query string.
LOGGERS = ("gunicorn.access", "django.server", "django.request", "panel.api")


def _hide(match: re.Match[str]) -> str:
    name = match.group(1)
    # Judged by the name as decoded (Django reads `%6Bey` as `key`); the name is logged as sent.
    if unquote_plus(name).strip().lower() == "key":
        return f"{name}={HIDDEN}"
    # A value may hold a `?` and a query of its own (`/a=1?key=...`): masked in turn.
    return f"{name}={mask(match.group(2))}"


def mask(text: str) -> str:
    return _PARAM.sub(_hide, text)


class MaskApiKeys(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: leave it to logging
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_text:  # a traceback already formatted may quote the request too
            record.exc_text = mask(record.exc_text)
        return True


_installed = MaskApiKeys()


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _installed not in logger.filters:
            logger.addFilter(_installed)
