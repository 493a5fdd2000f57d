"""`.env.example` names every environment variable the settings read, so an operator sees them all."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Set by tests/settings.py only; never by an operator.
INTERNAL = {"PANEL_TESTING"}


def test_every_variable_the_settings_read_is_in_env_example():
    settings_source = (ROOT / "panel" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]*)"', settings_source)) - INTERNAL
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    assert len(read) > 30  # the pattern still finds the settings' reads
    assert sorted(read - documented) == []
