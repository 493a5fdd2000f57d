"""Every app of the panel in INSTALLED_APPS is copied into the Docker image and packaged by
pyproject.toml: an app left out starts in development and fails in production."""

from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def _local_apps() -> list[str]:
    return sorted(config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir())


def test_the_dockerfile_copies_every_app():
    dockerfile = (ROOT / "Dockerfile").read_text()
    missing = [name for name in _local_apps() if f"COPY {name} {name}" not in dockerfile]
    assert missing == []


def test_pyproject_packages_every_app():
    pyproject = (ROOT / "pyproject.toml").read_text()
    missing = [name for name in _local_apps() if f'"{name}*"' not in pyproject]
    assert missing == []
