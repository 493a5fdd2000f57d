"""Fixtures for the provider tests: a live simulator on a free loopback port, a client bound to it,
and a scripted stand-in provider for answer shapes the simulator never sends.

Only `provider_row` and `web_client` need Django (and the database); nothing else here does.
"""

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from provider.client import ProviderClient
from provider.simulator import Simulator

KEY = "sim-key-5f2b9c0e7d"  # long and unusual, so a leak of it cannot hide in other text


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    """A simulator whose clock moves only by `advance()`: tests decide when orders progress."""
    with Simulator(KEY, seed=0, time_scale=0) as sim:
        yield sim


@pytest.fixture
def provider_row(db, simulator: Simulator, settings):
    """A Provider row pointing at the simulator, with quick timeouts."""
    from decimal import Decimal

    from provider.models import Provider

    settings.PROVIDER_READ_TIMEOUT = Decimal("1")
    settings.PROVIDER_CONNECT_TIMEOUT = Decimal("1")
    return Provider.objects.create(name="Simulator", api_url=simulator.url, api_key=KEY)


@pytest.fixture
def web_client():
    """Django's test client (here `client` is the provider client)."""
    from django.test import Client

    return Client()


@pytest.fixture
def make_client() -> Iterator[Callable[..., ProviderClient]]:
    """Builds clients with fast test timings; closes them afterwards."""
    clients: list[ProviderClient] = []

    def make(url: str, key: str = KEY, **options: Any) -> ProviderClient:
        settings = {"connect_timeout": 1.0, "read_timeout": 2.0, "retries": 2, "backoff": 0.001} | options
        client = ProviderClient(url, key, **settings)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(simulator: Simulator, make_client: Callable[..., ProviderClient]) -> ProviderClient:
    return make_client(simulator.url)


@pytest.fixture
def place(client: ProviderClient) -> Callable[..., list[int]]:
    """place(count, service=1, quantity=1000): orders on distinct links; returns their ids."""
    links = iter(range(10**9))

    def place(count: int = 1, *, service: int = 1, quantity: int = 1000) -> list[int]:
        return [
            client.add(service=service, link=f"https://instagram.com/p/{next(links)}", quantity=quantity)
            for _ in range(count)
        ]

    return place


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Scripted:
    """A stand-in provider: answers each request with the next scripted (HTTP status, body, pace);
    the last one repeats. `requests` holds each request's form, key included, and `paths` its path.
    A reply with a `pace` sends its body a byte at a time, `pace` seconds apart; one with `cut`
    announces `cut` more bytes than it sends, then hangs up."""

    def __init__(self) -> None:
        self.replies: list[tuple[int, bytes, float, int]] = []
        self.requests: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.url = ""

    def reply(self, body: Any, status: int = 200, *, pace: float = 0, cut: int = 0) -> "Scripted":
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.replies.append((status, raw, pace, cut))
        return self

    def next_reply(self) -> tuple[int, bytes, float, int]:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    script = Scripted()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            script.requests.append({name: values[-1] for name, values in parse_qs(body).items()})
            script.paths.append(self.path)
            status, raw, pace, cut = script.next_reply()
            self.send_response(status)
            self.send_header("Content-Length", str(len(raw) + cut))
            self.end_headers()
            if not pace:
                self.wfile.write(raw)
                return
            try:
                for byte in raw:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(pace)
            except OSError:  # the client gave up and closed the connection
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    script.url = f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    yield script
    server.shutdown()
    server.server_close()
