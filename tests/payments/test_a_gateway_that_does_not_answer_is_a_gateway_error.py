"""A gateway that takes the request and never answers, or trickles its answer, is a GatewayError
once the gateway timeouts are spent: every call is bounded (the panel's bounded transport under
the stripe library too), so a checkout never holds a web worker."""

import socket
import threading
from decimal import Decimal

import pytest

from payments.gateways.base import GatewayError
from payments.gateways.nowpayments import NowPaymentsGateway
from payments.gateways.paypal import PayPalGateway
from payments.gateways.stripe import StripeGateway
from tests.payments.standins.fixtures import URLS


@pytest.fixture(params=["silent", "trickling"])
def unresponsive(request, settings):
    """A loopback server that reads each request, then says nothing, or trickles a header a byte
    every 0.1 s (within any read timeout) for ever."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    accepted = []

    def serve(conn):
        # Until the test ends: a call without a bound would hang here (and time the test out).
        with conn:
            conn.recv(65536)
            if request.param == "trickling":
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Pad: ")
                while not stop.wait(0.1):
                    conn.sendall(b"a")
            stop.wait()

    def accept():
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(conn)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings.PAYMENTS_GATEWAY_CONNECT_TIMEOUT = Decimal("0.5")
    settings.PAYMENTS_GATEWAY_READ_TIMEOUT = Decimal("0.5")
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_x", url
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET, settings.PAYPAL_API_BASE = "id", "secret", url
    settings.NOWPAYMENTS_API_KEY, settings.NOWPAYMENTS_API_BASE = "key", url
    yield accepted
    stop.set()
    thread.join(2)
    listener.close()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("gateway", [StripeGateway, PayPalGateway, NowPaymentsGateway])
def test_the_checkout_fails_as_a_gateway_error(unresponsive, standin_payment, gateway):
    if gateway is PayPalGateway:
        from payments.gateways import paypal

        paypal._tokens.clear()
    with pytest.raises(GatewayError):
        gateway().checkout_create(payment=standin_payment(), notify_url="https://panel.test/n", **URLS)
    assert len(unresponsive) == 1  # asked once: no retries of its own
