"""Fixtures for the provider tests: a live simulator on a free loopback port, a client bound to it,
and a scripted stand-in provider for answer shapes the simulator never sends.

Only `provider_row` and `web_client` need Django (and the database); nothing else here does.
"""

import json
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path
from typing import Any, NamedTuple
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


class Reply(NamedTuple):
    """One scripted answer, and how slowly it is sent."""

    status: int
    body: bytes
    pace: float = 0  # seconds between the body's bytes
    cut: int = 0  # bytes announced in Content-Length but never sent
    header_pace: float = 0  # seconds between the status line's and headers' bytes
    headers: tuple[tuple[str, str], ...] = ()  # sent besides Content-Length (not with header_pace)
    hang_up: bool = False  # read the request, then close the connection without a word (nor TLS's)
    garble: bool = False  # read the request, then send bytes that are not TLS (or HTTP) and close


class Scripted:
    """A stand-in provider: answers each request with the next scripted reply; the last one repeats.
    `requests` holds each request's form, key included, `paths` its path and `peers` the client's
    address (one peer for many requests: the connection was kept alive).
    A reply with a `pace` sends its body a byte at a time, `pace` seconds apart; one with `cut`
    announces `cut` more bytes than it sends, then hangs up; one with `header_pace` sends its status
    line and headers (padded to about 150 bytes) a byte at a time, `header_pace` seconds apart.
    It answers in HTTP/1.0, closing each connection, unless `keep_alive` is set."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.peers: list[tuple[str, int]] = []
        self.keep_alive = False
        self.url = ""

    def reply(
        self,
        body: Any,
        status: int = 200,
        *,
        pace: float = 0,
        cut: int = 0,
        header_pace: float = 0,
        headers: dict[str, str] | None = None,
        hang_up: bool = False,
        garble: bool = False,
    ) -> "Scripted":
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        extra = tuple((headers or {}).items())
        self.replies.append(Reply(status, raw, pace, cut, header_pace, extra, hang_up, garble))
        return self

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


def _handler_for(script: Scripted) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        @property  # type: ignore[override]
        def protocol_version(self) -> str:  # read per request: HTTP/1.1 keeps the connection open
            return "HTTP/1.1" if script.keep_alive else "HTTP/1.0"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            script.requests.append({name: values[-1] for name, values in parse_qs(body).items()})
            script.paths.append(self.path)
            script.peers.append(self.client_address)
            reply = script.next_reply()
            if reply.garble:
                # Around TLS, straight onto the TCP connection: the client's TLS layer fails.
                with socket.socket(fileno=os.dup(self.connection.fileno())) as raw:
                    raw.sendall(b"\x17\x03\x03\x00\x20" + b"\x00" * 32 + b"not TLS at all\r\n" * 4)
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            if reply.hang_up:
                # A TCP close with no TLS close_notify: what a provider's proxy dropping the
                # connection looks like once the request is in.
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            try:
                self._send_head(reply)
                self._send_body(reply)
            except OSError:  # the client gave up and closed the connection
                self.close_connection = True
            if reply.cut:
                self.close_connection = True

        do_GET = do_POST  # a redirect followed as a GET would be recorded too

        def _send_head(self, reply: Reply) -> None:
            length = len(reply.body) + reply.cut
            if not reply.header_pace:
                self.send_response(reply.status)
                self.send_header("Content-Length", str(length))
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.end_headers()
                return
            head = (
                f"{self.protocol_version} {reply.status} {HTTPStatus(reply.status).phrase}\r\n"
                f"Content-Length: {length}\r\nX-Padding: {'.' * 100}\r\n\r\n"
            )
            self._trickle(head.encode(), reply.header_pace)

        def _send_body(self, reply: Reply) -> None:
            if reply.pace:
                self._trickle(reply.body, reply.pace)
            else:
                self.wfile.write(reply.body)

        def _trickle(self, data: bytes, pace: float) -> None:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(pace)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def _serving(script: Scripted, tls: ssl.SSLContext | None = None) -> Iterator[Scripted]:
    """`script` answering on a free loopback port, over TLS when `tls` is given."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(script))
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    scheme = "http" if tls is None else "https"
    script.url = f"{scheme}://127.0.0.1:{server.server_address[1]}/api/v2"
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    with _serving(Scripted()) as script:
        yield script


@pytest.fixture(params=["http", "https"])
def scripted_either(request: pytest.FixtureRequest) -> Scripted:
    """`scripted`, then `scripted_https`: a test taking it runs once over each."""
    return request.getfixturevalue("scripted" if request.param == "http" else "scripted_https")


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(certificate, key) files of a self-signed certificate for 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def scripted_https(tls_certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Scripted]:
    """`scripted` over TLS; clients trust its certificate through REQUESTS_CA_BUNDLE, as a deployment
    trusting a private CA would."""
    cert_file, key_file = tls_certificate
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_file))
    with _serving(Scripted(), tls) as script:
        yield script
