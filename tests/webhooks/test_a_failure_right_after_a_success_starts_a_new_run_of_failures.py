"""A run of failures ends with a success: an endpoint that answered once and then failed within the
same run counts one failure since now, however long it failed before, and is not disabled."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from webhooks.models import WebhookEndpoint
from webhooks.services import webhook_deliveries_send, webhook_test_send


def test_a_success_then_a_failure_counts_one_failure_from_now(
    make_customer, receiver, make_endpoint, settings
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOKS_DISABLE_AFTER_HOURS = 24
    endpoint = make_endpoint(make_customer(), receiver)
    long_ago = timezone.now() - timedelta(days=2)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=5, failing_since=long_ago)
    receiver.answer(200, 500)
    webhook_test_send(endpoint=endpoint)
    webhook_test_send(endpoint=endpoint)
    before = timezone.now()

    report = webhook_deliveries_send()

    assert (report.delivered, report.failed_attempts, report.disabled) == (1, 1, 0)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 1
    assert endpoint.failing_since >= before
    assert mail.outbox == []
