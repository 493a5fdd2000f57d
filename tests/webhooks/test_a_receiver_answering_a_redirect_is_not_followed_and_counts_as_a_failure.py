"""A receiver that answers 3xx is not followed (the redirect could lead anywhere, the panel's own
network included): the attempt failed, is retried later like any other, and the Location named
gets nothing. Its body is read no further than any other failed answer's snippet."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from webhooks.models import DeliveryState, WebhookEndpoint
from webhooks.services import webhook_deliveries_send, webhook_test_send
from webhooks.signing import secret_generate


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failed_attempt_and_its_location_gets_nothing(
    status, make_customer, receiver, make_endpoint
):
    endpoint = make_endpoint(make_customer(), receiver)
    receiver.answer(status)
    delivery = webhook_test_send(endpoint=endpoint)

    report = webhook_deliveries_send()

    assert (report.delivered, report.failed_attempts) == (0, 1)
    assert [(received.path, received.body != b"") for received in receiver.requests] == [("/hooks", True)]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (
        DeliveryState.PENDING,
        1,
        status,
    )
    assert delivery.last_error.startswith(f"HTTP {status}: receiver says no")
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1


class _BigRedirect:
    """Answers every POST with a 302 and a body of BODY bytes, and notes whether the panel hung up
    before it was all sent."""

    BODY = 50_000_000  # far more than the sockets' buffers: a hang-up shows before the end

    def __init__(self) -> None:
        self.hung_up = threading.Event()
        self.done = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    self.send_response(302)
                    self.send_header("Location", "/elsewhere")
                    self.send_header("Content-Length", str(server.BODY))
                    self.end_headers()
                    chunk = b"moved " * 10_000
                    for _ in range(server.BODY // len(chunk)):
                        self.wfile.write(chunk)
                except OSError:
                    server.hung_up.set()
                finally:
                    server.done.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/hooks"


@pytest.fixture
def big_redirect() -> Iterator[_BigRedirect]:
    server = _BigRedirect()
    yield server
    server.http.shutdown()
    server.http.server_close()


def test_a_redirects_body_is_not_read_past_the_snippet(big_redirect, make_customer):
    endpoint = WebhookEndpoint.objects.create(
        customer=make_customer(), url=big_redirect.url, secret=secret_generate()
    )
    delivery = webhook_test_send(endpoint=endpoint)

    assert webhook_deliveries_send().failed_attempts == 1

    assert big_redirect.done.wait(timeout=10)
    assert big_redirect.hung_up.is_set()  # the panel closed the connection, the body unread
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("HTTP 302: moved moved")
