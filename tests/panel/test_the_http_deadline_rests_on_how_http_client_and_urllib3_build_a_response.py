"""panel.http bounds a whole exchange through one private detail and two public attributes; each is
pinned here, so that a Python or urllib3 upgrade that changes one fails by name rather than leaving
answers unbounded: http.client.HTTPResponse uses its socket only for makefile("rb") (the private
detail), urllib3's connection builds its response through `response_class`, and a BoundedAdapter's
pools open BoundedHTTPConnection (pool_classes_by_scheme, ConnectionCls)."""

import http.client
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from panel import http as bounded


class OnlyMakefile:
    """A socket that allows makefile() alone, and records how it was called."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.calls: list[tuple] = []

    def makefile(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return io.BufferedReader(io.BytesIO(self.data))

    def __getattr__(self, name: str):
        raise AssertionError(f"http.client.HTTPResponse used its socket's {name}")


def test_http_client_reads_a_response_through_its_sockets_makefile_alone():
    sock = OnlyMakefile(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    response = http.client.HTTPResponse(sock, method="GET")  # type: ignore[arg-type]
    response.begin()
    assert (response.status, response.read()) == (200, b"ok")
    assert sock.calls == [(("rb",), {})]


@pytest.fixture
def server():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_a_bounded_adapters_exchange_opens_our_connection_and_builds_our_response(server, monkeypatch):
    opened: list[type] = []
    built: list[type] = []
    connect, init = bounded.BoundedHTTPConnection.connect, bounded._BoundedResponse.__init__

    def spy_connect(self):
        opened.append(type(self))
        return connect(self)

    def spy_init(self, *args, **kwargs):
        built.append(type(self))
        init(self, *args, **kwargs)

    monkeypatch.setattr(bounded.BoundedHTTPConnection, "connect", spy_connect)
    monkeypatch.setattr(bounded._BoundedResponse, "__init__", spy_init)
    with requests.Session() as session:
        session.mount("http://", bounded.BoundedAdapter())
        answer = session.get(server, timeout=(2, 2))
    assert answer.text == "ok"
    assert opened == [bounded.BoundedHTTPConnection]
    assert built == [bounded._BoundedResponse]
