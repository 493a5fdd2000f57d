"""X-Forwarded-Proto says "this came over https" only when a proxy we trust set it: production
settings read it (SECURE_PROXY_SSL_HEADER) only with TRUSTED_PROXY_COUNT of at least 1. With 0,
gunicorn faces clients, and a client's own header would make a plain-http request pass as https."""

import os
import subprocess
import sys

STRONG_KEY = "k" * 20 + "-production-secret-for-the-deploy-check-0123456789"


def _proxy_ssl_header(**env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"PANEL_TESTING", "SECRET_KEY"}}
    environment.update(
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="panel.example.com",
        DATABASE_URL="postgres://panel@db.invalid:5432/panel",
        **env,
    )
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "from panel import settings as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))",
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return read.stdout.strip()


def test_without_a_trusted_proxy_a_forwarded_proto_is_not_read():
    assert _proxy_ssl_header(TRUSTED_PROXY_COUNT="0") == "None"


def test_behind_a_trusted_proxy_its_forwarded_proto_is_read():
    assert _proxy_ssl_header(TRUSTED_PROXY_COUNT="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"
