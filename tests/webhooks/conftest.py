"""Webhooks against real HTTP: a receiver on 127.0.0.1 that records every request and answers as a
test scripts it, and orders against a live provider simulator (the root conftest's place_order and
sent_order)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from panel.models import User
from panel.ratelimit import rate_limits_reset
from tests.waiting import wait_for
from webhooks.models import WebhookEndpoint
from webhooks.services import webhook_endpoint_create


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


class Receiver:
    """A webhook receiver: answers each POST with the next scripted (status, delay), then 200.

    A 3xx answer points to `<url>/moved`; a redirect followed there would be recorded (GET too).
    """

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._script: list[tuple[int, float, float]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                    status, delay, pace = receiver._script.pop(0) if receiver._script else (200, 0.0, 0.0)
                time.sleep(delay)
                try:
                    if pace:
                        self._trickle(status, pace)
                        return
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    if 300 <= status < 400:
                        self.send_header("Location", f"{receiver.url}/moved")
                    self.end_headers()
                    self.wfile.write(b"ok" if status < 300 else b"receiver says no " * 100)
                except OSError:
                    pass  # the panel gave up waiting and hung up

            do_GET = do_POST

            def _trickle(self, status: int, pace: float) -> None:
                head = f"HTTP/1.0 {status} Whatever\r\nContent-Length: 2\r\nX-Padding: {'.' * 100}\r\n\r\nok"
                for byte in head.encode():
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(pace)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def answer(self, *replies: int | tuple[int, float] | tuple[int, float, float]) -> None:
        """The next requests' answers: a status, or (status, seconds to wait before answering), or
        (status, wait, seconds between the bytes of an answer trickled a byte at a time)."""
        with self._lock:
            for reply in replies:
                status, delay, pace = (*reply, 0.0, 0.0)[:3] if isinstance(reply, tuple) else (reply, 0, 0)
                self._script.append((status, delay, pace))

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        wait_for(lambda: len(self.requests) >= count, timeout, what=f"{count} requests at the receiver")
        return self.requests

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def make_receiver() -> Iterator[Callable[[], Receiver]]:
    receivers: list[Receiver] = []

    def make() -> Receiver:
        receivers.append(Receiver())
        return receivers[-1]

    yield make
    for receiver in receivers:
        receiver.close()


@pytest.fixture
def receiver(make_receiver) -> Receiver:
    return make_receiver()


def verify(secret: str, received: Received) -> bool:
    """What a receiver's Standard Webhooks library (here the official Python one) says of `received`."""
    try:
        Webhook(secret).verify(received.body, received.headers)
    except WebhookVerificationError:
        return False
    return True


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    # "Send test" is limited per customer (panel.ratelimit): each test starts with no hits.
    rate_limits_reset()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Short waits keep the timeout tests quick; eager tasks deliver at the on-commit `.delay()`.
    settings.WEBHOOKS_TIMEOUT = Decimal("1")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def make_endpoint() -> Callable[..., WebhookEndpoint]:
    def make(customer: User, receiver: Receiver) -> WebhookEndpoint:
        return webhook_endpoint_create(customer=customer, url=receiver.url)

    return make
