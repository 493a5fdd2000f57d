"""With DATABASE_URL unset in development, manage.py starts the embedded PostgreSQL on demand."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from panel import embedded_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def scratch_data_dir(tmp_path_factory):
    # A short path: the server's Unix socket lives in it and socket paths are limited to ~100 bytes.
    directory = Path(tmp_path_factory.mktemp("pd"))
    yield directory
    embedded_db.stop(directory)


def test_manage_py_starts_the_embedded_database_when_database_url_is_unset(scratch_data_dir):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(
        PANEL_DATA_DIR=str(scratch_data_dir), PANEL_TESTING="1", DJANGO_SETTINGS_MODULE="panel.settings"
    )
    script = (
        "from django.db import connection; from django.conf import settings;"
        "c = connection.cursor(); c.execute('select version()');"
        "print(settings.EMBEDDED_DATABASE, c.fetchone()[0].split()[0])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True PostgreSQL"
    assert embedded_db.is_running(scratch_data_dir)
    assert (scratch_data_dir / "postgres" / "PG_VERSION").exists()


def test_a_second_start_reuses_the_running_server(scratch_data_dir):
    first = embedded_db.ensure_running(scratch_data_dir)
    second = embedded_db.ensure_running(scratch_data_dir)
    assert first == second
    assert embedded_db.stop(scratch_data_dir) is True
    assert embedded_db.is_running(scratch_data_dir) is False
