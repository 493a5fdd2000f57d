"""In production the guarded session resolves a receiver's host itself, refuses it if any of its
addresses is private, and connects to the address it checked (so DNS cannot point it elsewhere
between the check and the connection), while TLS still names the host and checks its certificate,
and the Host header still names it."""

import socket
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from webhooks import sending

NAME = "hooks.example.test"


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


class TlsReceiver:
    """An https receiver on 127.0.0.1 with a certificate for `name`; records each request's Host
    header and the server name TLS asked for."""

    def __init__(self, folder: Path, name: str) -> None:
        self.cert_file, key_file = _certificate(folder, name)
        self.hosts: list[str] = []
        self.server_names: list[str | None] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.hosts.append(self.headers["Host"])
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, key_file)
        context.sni_callback = lambda sock, server_name, ctx: receiver.server_names.append(server_name)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def production(settings, monkeypatch):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    # 127.0.0.1 stands for a public address here, so that the guard lets the loopback receiver in.
    monkeypatch.setattr(sending, "_public", lambda address: address != "10.0.0.1")


@pytest.fixture
def resolve_name(monkeypatch):
    """resolve_name(*addresses): NAME resolves to these (in this order); other names as usual."""
    resolve = socket.getaddrinfo

    def set_addresses(*addresses: str) -> None:
        def getaddrinfo(host, port, *args, **kwargs):
            if host == NAME:
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]
            return resolve(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return set_addresses


@pytest.fixture
def tls_receiver(tmp_path) -> Iterator[TlsReceiver]:
    receiver = TlsReceiver(tmp_path, NAME)
    yield receiver
    receiver.close()


def _post(receiver: TlsReceiver, verify: Path) -> sending.Outcome:
    with sending.session_open() as session:
        session.verify = str(verify)
        return sending.post(
            session,
            url=f"https://{NAME}:{receiver.port}/hook",
            secret="whsec_" + "A" * 44,
            event_id="e1",
            payload={"a": 1},
        )


def test_a_delivery_goes_to_the_checked_address_naming_the_host_to_tls_and_in_host(
    production, resolve_name, tls_receiver
):
    resolve_name("127.0.0.1")
    assert _post(tls_receiver, tls_receiver.cert_file) == sending.Outcome(delivered=True, status_code=200)
    assert tls_receiver.server_names == [NAME]
    assert tls_receiver.hosts == [f"{NAME}:{tls_receiver.port}"]


def test_a_certificate_for_another_name_is_refused(production, resolve_name, tmp_path):
    resolve_name("127.0.0.1")
    impostor = TlsReceiver(tmp_path, "other.example.test")
    try:
        outcome = _post(impostor, impostor.cert_file)
    finally:
        impostor.close()
    assert not outcome.delivered and "certificate" in outcome.error.lower()
    assert impostor.hosts == []


def test_a_host_with_any_private_address_is_refused_before_connecting(production, resolve_name, tls_receiver):
    resolve_name("127.0.0.1", "10.0.0.1")
    outcome = _post(tls_receiver, tls_receiver.cert_file)
    assert outcome == sending.Outcome(
        delivered=False, error="Not delivered: refused: 10.0.0.1 is a private or local address"
    )
    assert tls_receiver.server_names == [] and tls_receiver.hosts == []


def test_an_address_that_refuses_the_connection_makes_way_for_the_next(
    production, resolve_name, tls_receiver
):
    # Nothing listens on 127.0.0.2 at the receiver's port: connecting there is refused.
    resolve_name("127.0.0.2", "127.0.0.1")
    assert _post(tls_receiver, tls_receiver.cert_file).delivered
    assert tls_receiver.hosts == [f"{NAME}:{tls_receiver.port}"]
