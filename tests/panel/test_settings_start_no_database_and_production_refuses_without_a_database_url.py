"""The settings start no database: development's entry points do, and production without a
DATABASE_URL refuses to start instead of keeping its ledger in an embedded server under .data/."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from panel import embedded_db

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "-production-secret-for-the-deploy-check-0123456789"


@pytest.fixture
def scratch_data_dir(tmp_path_factory):
    # A short path: an embedded server's Unix socket would live in it (socket paths are short).
    directory = Path(tmp_path_factory.mktemp("nd"))
    yield directory
    embedded_db.stop(directory)


def _run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "PANEL_TESTING", "SECRET_KEY", "DEBUG"}
    }
    environment.update(PANEL_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="panel.settings", **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=180
    )


def test_loading_the_settings_in_development_starts_no_database(scratch_data_dir):
    result = _run(["-c", "import django; django.setup()"], scratch_data_dir, DEBUG="true")
    assert result.returncode != 0
    assert "DATABASE_URL is unset and the embedded PostgreSQL" in result.stderr
    assert "`make run`, `make test` and `manage.py` start it" in result.stderr
    assert not (scratch_data_dir / "postgres").exists()


def test_production_without_a_database_url_refuses_to_start_and_starts_no_database(scratch_data_dir):
    result = _run(
        ["manage.py", "check"],
        scratch_data_dir,
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="panel.example.com",
    )
    assert result.returncode != 0
    assert "DATABASE_URL must be set when DEBUG is off" in result.stderr
    assert not (scratch_data_dir / "postgres").exists()


def test_production_takes_the_database_url_from_a_file(scratch_data_dir, tmp_path):
    secret = tmp_path / "database_url"
    secret.write_text("postgres://panel:pw@db.invalid:5432/panel\n")
    key = tmp_path / "secret_key"
    key.write_text(STRONG_KEY + "\n")
    script = (
        "import django; django.setup(); from django.conf import settings;"
        f"print(settings.DATABASES['default']['HOST'], settings.SECRET_KEY == {STRONG_KEY!r})"
    )
    result = _run(
        ["-c", script],
        scratch_data_dir,
        DEBUG="false",
        DATABASE_URL_FILE=str(secret),
        SECRET_KEY_FILE=str(key),
        ALLOWED_HOSTS="panel.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["db.invalid", "True"]
    assert not (scratch_data_dir / "postgres").exists()
