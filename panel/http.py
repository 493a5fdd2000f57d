"""HTTP to other systems (the provider's API, customers' webhook receivers): a requests adapter whose
every exchange, from connecting to the last byte of the body, ends within the connect timeout plus
the read timeout, and that tells whether a failed request had been written whole.

requests' read timeout bounds each wait for a byte, not the answer: a server sending its status
line, headers or body a byte every few seconds would hold the calling thread for ever. Here each
wait for bytes is cut to the time left before the exchange's deadline, and a read with no time left
fails at once as a socket timeout, which urllib3 and requests report as a read timeout (as if the
server had gone quiet), so callers classify it as they classify any read timeout.

How: http.client builds its response through the connection's `response_class` (the extension
point its getresponse documents) from the socket's `makefile("rb")`, and reads the status line, the
headers and the body (chunked too) from that one file. Our response class hands it a file that sets
the socket's timeout before each read. The socket itself is left alone: TLS wrapping, sending,
keep-alive and urllib3's pooling checks see the real socket, so http and https work the same.
Neither a wrapped socket (which TLS wrapping and urllib3's checks would not accept) nor a timer
thread per call (which would have to close a socket another thread is reading) is needed.

Public interfaces throughout but one. requests' adapter hooks (`init_poolmanager`,
`proxy_manager_for`, `send`); a PoolManager's `pool_classes_by_scheme` and a pool's `ConnectionCls`
(public attributes) so that our connections are opened; a connection's `request` and its
`response_class`, which urllib3's `getresponse` documents as where its response comes from. The one
private hook that remains: http.client.HTTPResponse uses the socket it is given only for
`makefile("rb")` (an implementation detail, unchanged since Python 3.0), which lets _DeadlineSocket
stand in for the socket. No public interface reaches the reads of the status line and headers:
`stream=True` bounds nothing before `send` returns, and a socket timeout bounds each read, not their
sum. tests/panel/test_the_http_deadline_rests_on_how_http_client_and_urllib3_build_a_response.py pins
the hook: a Python or urllib3 upgrade that changes it fails there (and the trickled-answer tests of
tests/provider and tests/webhooks with it).
"""

import contextvars
import http.client
import io
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.poolmanager import pool_classes_by_scheme as urllib3_pool_classes

# When the exchange under way in this thread must be over (a time.monotonic()); None: unbounded.
# Set by BoundedAdapter.send for the time of the request; a response keeps the value it was made
# with, so the body, read after send returns, is bounded too.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("http_deadline", default=None)


class _DeadlineReader(io.RawIOBase):
    """A socket's raw reader whose every wait for bytes ends by `deadline`."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        # The socket's own raw file: it keeps the socket open while the response is read even after
        # http.client closes its connection (an answer with `Connection: close`).
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline
        self._wait = sock.gettimeout()  # the read timeout urllib3 set for this response

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._raw.fileno()

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the answer did not arrive in time")
        self._sock.settimeout(left if self._wait is None else min(self._wait, left))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _DeadlineSocket:
    """What http.client.HTTPResponse uses its socket for (`makefile("rb")`), bounded by `deadline`."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


class _BoundedResponse(http.client.HTTPResponse):
    """http.client's response, read by the deadline of the exchange it was made in."""

    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        deadline = _deadline.get()
        if deadline is not None:
            sock = cast(socket.socket, _DeadlineSocket(sock, deadline))  # HTTPResponse calls only makefile()
        super().__init__(sock, *args, **kwargs)


@dataclass
class Exchange:
    """One request under way through BoundedAdapter: `sent` once its last byte is written. From
    then on the server may act on it, whatever fails next (a TLS error included)."""

    sent: bool = False


_exchange: contextvars.ContextVar[Exchange | None] = contextvars.ContextVar("http_exchange", default=None)


@contextmanager
def watched_exchange() -> Iterator[Exchange]:
    """An Exchange told whether the request made in this block (in this thread) was written whole."""
    watched = Exchange()
    token = _exchange.set(watched)
    try:
        yield watched
    finally:
        _exchange.reset(token)


class _TellsWhenSent:
    """A connection that marks the watched exchange sent once `request` has written it all."""

    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)  # type: ignore[misc]
        watched = _exchange.get()
        if watched is not None:
            watched.sent = True


class BoundedHTTPConnection(_TellsWhenSent, HTTPConnection):
    """urllib3's connection, its answer read by the exchange's deadline."""

    response_class = _BoundedResponse


class BoundedHTTPSConnection(_TellsWhenSent, HTTPSConnection):
    response_class = _BoundedResponse


_POOLS: dict[tuple[type, type], dict[str, type[HTTPConnectionPool]]] = {}


def _pools(
    http_connection: type[BoundedHTTPConnection], https_connection: type[BoundedHTTPSConnection]
) -> dict[str, type[HTTPConnectionPool]]:
    """urllib3's pools by scheme, opening these connections (made once per pair of classes)."""
    pair = (http_connection, https_connection)
    if pair not in _POOLS:  # two threads may both make them: the same classes, one kept
        _POOLS[pair] = {
            "http": type("BoundedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_connection}),
            "https": type("BoundedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_connection}),
        }
    return _POOLS[pair]


def _total(timeout: Any) -> float | None:
    """The connect plus the read timeout of a requests `timeout` (a number is both); None when
    either is unbounded or the timeout is of another form."""
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    if isinstance(connect, int | float) and isinstance(read, int | float):
        return connect + read
    return None


class NoRedirectSession(requests.Session):
    """A session that neither follows a redirect nor reads one: with `allow_redirects=False`,
    requests still reads a redirect's whole body, however big, to find where it would go. A 3xx
    comes back as the answer, its body unread."""

    def get_redirect_target(self, resp: requests.Response) -> None:
        return None


class BoundedAdapter(HTTPAdapter):
    """An HTTPAdapter whose every request, from connecting to the last byte of the answer's body,
    ends within `timeout`'s connect plus read time: a read that would go on past it fails as a read
    timeout (requests.ReadTimeout from `send`, urllib3's ReadTimeoutError while streaming the body).

    Connecting (to each address tried) and the TLS handshake are bounded by the connect timeout as
    usual; the time they take counts against the deadline. A subclass may use connections of its own
    (`http_connection`, `https_connection`), built on BoundedHTTPConnection and BoundedHTTPSConnection."""

    http_connection: type[BoundedHTTPConnection] = BoundedHTTPConnection
    https_connection: type[BoundedHTTPSConnection] = BoundedHTTPSConnection

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self._bound_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        self._bound_pools(manager)
        return manager

    def _bound_pools(self, manager: PoolManager) -> None:
        """Makes `manager` open our connections, unless it has pools of its own (a SOCKS proxy's)."""
        if manager.pool_classes_by_scheme == urllib3_pool_classes:
            manager.pool_classes_by_scheme = _pools(self.http_connection, self.https_connection)

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        total = _total(timeout)
        token = _deadline.set(None if total is None else time.monotonic() + total)
        try:
            return super().send(request, stream, timeout, verify, cert, proxies)
        finally:
            _deadline.reset(token)
