"""Production settings fail loudly on missing secrets and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "-production-secret-for-the-deploy-check-0123456789"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"PANEL_TESTING", "SECRET_KEY"}}
    environment.update(DJANGO_SETTINGS_MODULE="panel.settings", DATABASE_URL=settings.DATABASE_URL, **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="false", ALLOWED_HOSTS="panel.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _manage("check", DEBUG="false", SECRET_KEY="short", ALLOWED_HOSTS="panel.example.com")
    assert result.returncode != 0
    assert "at least 50 random characters" in result.stderr


def test_production_refuses_a_mistyped_debug_flag():
    result = _manage("check", DEBUG="ture", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="panel.example.com",
    )
    assert result.returncode == 0, result.stderr + result.stdout
