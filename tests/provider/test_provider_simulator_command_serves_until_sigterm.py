"""`manage.py provider_simulator` prints where it serves, serves, and exits cleanly on SIGTERM.

The command is run directly (not through manage.py) so the test needs no Django settings.
"""

import signal
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
RUN = (
    "from provider.management.commands.provider_simulator import Command;"
    "Command().run_from_argv(['manage.py', 'provider_simulator', *__import__('sys').argv[1:]])"
)


def test_the_command_serves_and_stops_on_sigterm() -> None:
    args = ["--port", "0", "--key", "cmd-key", "--seed", "3", "--time-scale", "0", "--faults", '{"seed": 1}']
    process = subprocess.Popen(
        [sys.executable, "-c", RUN, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first, second = process.stdout.readline(), process.stdout.readline()  # type: ignore[union-attr]
        url = first.rsplit(" ", 1)[-1].strip()

        answer = requests.post(url, data={"key": "cmd-key", "action": "balance"}, timeout=5).json()

        assert answer == {"balance": "1000.00000", "currency": "USD"}
        assert second.strip() == "API key: cmd-key"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert "stopped" in process.stdout.read()  # type: ignore[union-attr]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_bad_faults_json_is_a_command_error() -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUN, "--port", "0", "--faults", "{nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert done.returncode != 0
    assert "--faults" in done.stderr
