"""What every gateway stand-in shares: a threaded HTTP server on loopback that answers the gateway's
API from state it holds, counts the calls it gets, and delivers the gateway's webhooks to the panel.

Each stand-in implements only the HTTP calls the panel's gateway module (or its library) makes,
with the gateway's own shapes, and signs its webhooks with the gateway's real scheme.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

Reply = tuple[int, Any]  # HTTP status, JSON-ready body (bytes are sent as they are)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # by lower-case name
    body: bytes


@dataclass
class Delivery:
    """A webhook as the gateway would send it: deliver it (again) with `StandIn.deliver`."""

    body: bytes
    headers: dict[str, str]
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def json_bytes(value: Any) -> bytes:
    """`value` as JSON, Decimals written as numbers with their digits (a gateway's JSON)."""
    return dumps(value).encode()


def dumps(value: Any, *, sort: bool = False) -> str:
    if isinstance(value, dict):
        keys = sorted(value) if sort else list(value)
        return (
            "{"
            + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{dumps(value[k], sort=sort)}" for k in keys)
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(item, sort=sort) for item in value) + "]"
    if isinstance(value, Decimal):
        return js_number(value)
    return json.dumps(value, ensure_ascii=False)


def js_number(value: Decimal) -> str:
    """A number as JavaScript's JSON.stringify writes it: no trailing zeros, 1e-7 below 1e-6."""
    if value == value.to_integral_value():
        return str(int(value))
    if abs(value) < Decimal("1e-6"):
        return str(value.normalize()).replace("E", "e")
    return format(value.normalize(), "f")


class StandIn:
    """Subclasses answer `handle(request)`; `url` is the server's base, e.g. http://127.0.0.1:PORT."""

    name = "standin"

    def __init__(self) -> None:
        self.url = ""
        self.lock = threading.RLock()
        self.calls: Counter[str] = Counter()  # "POST /v1/checkout/sessions" -> count
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def next_id(self) -> int:
        with self.lock:
            return next(self._ids)

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    def start(self) -> StandIn:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, name=self.name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def deliver(self, delivery: Delivery, url: str = "") -> requests.Response:
        """POSTs `delivery` to the panel's webhook `url` (or the one it was made for)."""
        return requests.post(
            url or delivery.url,
            data=delivery.body,
            headers=delivery.headers,
            timeout=(5, 30),
            allow_redirects=False,
        )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        standin: StandIn = self.server.standin  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        with standin.lock:
            standin.calls[f"{self.command} {parts.path}"] += 1
        try:
            status, answer = standin.handle(request)
        except Exception as exc:  # a stand-in bug shows as a 500 the test sees, not a hung call
            status, answer = 500, {"error": f"stand-in error: {exc!r}"}
        payload = answer if isinstance(answer, bytes) else json_bytes(answer)
        content_type = "application/x-pem-file" if isinstance(answer, bytes) else "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
