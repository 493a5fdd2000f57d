"""Typed readers for settings that come from the environment.

Each reader refuses a value it cannot understand with ImproperlyConfigured, naming the
variable, so that a typo in production stops the process at start instead of quietly
turning into a default (django-environ's own `bool` reads "ture" as False).

Every variable can instead come from a file: `<NAME>_FILE=/run/secrets/name` reads NAME from
that file (as Docker and Kubernetes mount secrets), its surrounding whitespace stripped. A
variable set both ways is refused, since either choice could be the wrong one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_UNSET: Any = object()


class Env:
    """Reads variables from a mapping (os.environ by default, a dict in tests)."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source = os.environ if source is None else source

    def _value(self, name: str) -> str | None:
        """NAME's value, from NAME or from the file NAME_FILE names; None when neither is set."""
        value = self.source.get(name, "").strip()
        file_name = self.source.get(f"{name}_FILE", "").strip()
        if value and file_name:
            raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
        if not file_name:
            return value or None
        try:
            content = Path(file_name).read_text().strip()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise ImproperlyConfigured(
                f"{name}_FILE names {file_name}, which cannot be read: {reason}."
            ) from None
        if not content:
            raise ImproperlyConfigured(f"{name}_FILE names {file_name}, which is empty.")
        return content

    def _raw(self, name: str, default: Any) -> str | Any:
        value = self._value(name)
        if value is None:
            if default is _UNSET:
                raise ImproperlyConfigured(f"{name} must be set.")
            return default
        return value

    def is_set(self, name: str) -> bool:
        return self._value(name) is not None

    def str(self, name: str, default: Any = _UNSET) -> str:
        return self._raw(name, default)

    def bool(self, name: str, default: Any = _UNSET) -> bool:
        value = self._raw(name, default)
        if isinstance(value, bool):
            return value
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {value!r}.")

    def int(self, name: str, default: Any = _UNSET, *, min: int | None = None, max: int | None = None) -> int:
        value = self._raw(name, default)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
        if min is not None and number < min:
            raise ImproperlyConfigured(f"{name} must be at least {min}, not {number}.")
        if max is not None and number > max:
            raise ImproperlyConfigured(f"{name} must be at most {max}, not {number}.")
        return number

    def decimal(self, name: str, default: Any = _UNSET, *, min: Decimal | None = None) -> Decimal:
        value = self._raw(name, default)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ImproperlyConfigured(f"{name} must be a decimal number, not {value!r}.") from None
        if not number.is_finite():
            raise ImproperlyConfigured(f"{name} must be a finite number, not {value!r}.")
        if min is not None and number < min:
            raise ImproperlyConfigured(f"{name} must be at least {min}, not {number}.")
        return number

    def list(self, name: str, default: Any = _UNSET) -> list[str]:
        value = self._raw(name, default)
        if isinstance(value, list):
            return value
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: str, choices: tuple[str, ...], default: Any = _UNSET) -> str:
        value = self._raw(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
        return value

    def database(self, name: str = "DATABASE_URL") -> dict[str, Any]:
        """The DATABASES entry for a postgres:// URL; any other engine is refused."""
        url = self._raw(name, _UNSET)
        try:
            config = environ.Env.db_url_config(url)
        except Exception as exc:  # django-environ raises several types for a bad URL
            raise ImproperlyConfigured(f"{name} is not a database URL: {exc}") from None
        if config.get("ENGINE") != "django.db.backends.postgresql":
            raise ImproperlyConfigured(
                f"{name} must be a postgres:// URL; the panel runs on PostgreSQL only."
            )
        # A Unix socket directory travels percent-encoded in the host part.
        config["HOST"] = unquote(str(config.get("HOST") or ""))
        return config

    def redis_url(self, name: str = "REDIS_URL", default: Any = _UNSET) -> str | None:
        value = self._raw(name, default)
        if value is None:
            return None
        if not value.startswith(("redis://", "rediss://")):
            raise ImproperlyConfigured(f"{name} must start with redis:// or rediss://, not {value[:12]!r}.")
        return value
