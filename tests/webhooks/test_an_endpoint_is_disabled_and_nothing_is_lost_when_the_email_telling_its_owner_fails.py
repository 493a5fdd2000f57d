"""The e-mail telling a customer that an endpoint was disabled may fail (the mail server refuses
it): the endpoint is disabled all the same, its pending deliveries failed, the rest of the run's
outcomes are written, and the failure is logged. So too when the customer deleted the endpoint
before the e-mail went."""

import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.webhooks.conftest import Receiver
from webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from webhooks.services import delivery, webhook_deliveries_send, webhook_test_send
from webhooks.services.endpoints import endpoint_disable


class _RefusingSmtp(socketserver.ThreadingTCPServer):
    """A mail server that greets and then refuses every message with a temporary error."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.refused = threading.Event()
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.wfile.write(b"220 mail.test ESMTP\r\n")
                for line in self.rfile:
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        self.wfile.write(b"250 mail.test\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 Bye\r\n")
                        return
                    else:
                        if verb == b"MAIL":
                            server.refused.set()
                        self.wfile.write(b"451 4.3.0 Mail server temporarily unavailable\r\n")

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def refusing_smtp(settings) -> Iterator[_RefusingSmtp]:
    server = _RefusingSmtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.shutdown()
    server.server_close()


@dataclass
class TwoEndpoints:
    failing: WebhookEndpoint  # disabled at its first failure
    failing_receiver: Receiver
    other: WebhookEndpoint
    other_receiver: Receiver


@pytest.fixture
def endpoints(settings, make_customer, make_receiver, make_endpoint) -> TwoEndpoints:
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 1
    settings.WEBHOOKS_DISABLE_AFTER_HOURS = 0
    failing_receiver, other_receiver = make_receiver(), make_receiver()
    failing_receiver.answer(500)
    return TwoEndpoints(
        failing=make_endpoint(make_customer(), failing_receiver),
        failing_receiver=failing_receiver,
        other=make_endpoint(make_customer(), other_receiver),
        other_receiver=other_receiver,
    )


def test_a_refused_email_still_disables_the_endpoint_and_the_run_goes_on(refusing_smtp, endpoints, caplog):
    failing, other = endpoints.failing, endpoints.other
    failing_receiver, other_receiver = endpoints.failing_receiver, endpoints.other_receiver
    tried, held_back = webhook_test_send(endpoint=failing), webhook_test_send(endpoint=failing)
    # Same batch, another endpoint, written after the failing one's (and its e-mail).
    later = webhook_test_send(endpoint=other)

    report = webhook_deliveries_send()

    assert refusing_smtp.refused.is_set()
    assert (report.failed_attempts, report.disabled, report.delivered) == (1, 1, 1)
    failing.refresh_from_db()
    assert not failing.is_active and "Deliveries kept failing" in failing.disabled_reason
    states = dict(WebhookDelivery.objects.values_list("pk", "state"))
    assert states == {
        tried.pk: DeliveryState.FAILED,
        held_back.pk: DeliveryState.FAILED,
        later.pk: DeliveryState.DELIVERED,
    }
    assert WebhookDelivery.objects.get(pk=tried.pk).attempts == 1
    assert len(other_receiver.requests) == 1 and len(failing_receiver.requests) == 1
    (logged,) = [record for record in caplog.records if record.name == "webhooks.services"]
    assert f"webhook endpoint {failing.pk}: the customer could not be told" in logged.getMessage()
    assert "451" in logged.exc_text


def test_an_endpoint_deleted_before_its_email_goes_does_not_stop_the_run(endpoints, monkeypatch, mailoutbox):
    webhook_test_send(endpoint=endpoints.failing)
    later = webhook_test_send(endpoint=endpoints.other)

    def disable_then_the_customer_deletes_it(**arguments) -> bool:
        disabled = endpoint_disable(**arguments)
        WebhookEndpoint.objects.filter(pk=arguments["endpoint_id"]).delete()
        return disabled

    monkeypatch.setattr(delivery, "endpoint_disable", disable_then_the_customer_deletes_it)
    report = webhook_deliveries_send()

    assert (report.disabled, report.delivered) == (1, 1)
    assert WebhookDelivery.objects.get(pk=later.pk).state == DeliveryState.DELIVERED
    assert mailoutbox == []
