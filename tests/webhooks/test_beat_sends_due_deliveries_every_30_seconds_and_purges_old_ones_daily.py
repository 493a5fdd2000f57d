"""The data migration seeds beat's schedule: due deliveries (retries, and first attempts whose task
the broker lost) every 30 s, and a daily purge of the old delivery log that keeps what is pending."""

from datetime import timedelta

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.tasks import deliver_webhooks, purge_webhook_deliveries


def test_the_schedules_are_seeded_and_enabled(db):
    due = PeriodicTask.objects.get(name="webhooks: deliver due")
    assert due.enabled and due.task == deliver_webhooks.name
    assert (due.interval.every, due.interval.period) == (30, "seconds")
    purge = PeriodicTask.objects.get(name="webhooks: purge old deliveries")
    assert purge.enabled and purge.task == purge_webhook_deliveries.name
    assert (purge.interval.every, purge.interval.period) == (86400, "seconds")


def test_the_purge_deletes_old_delivered_and_failed_deliveries_only(
    make_customer, receiver, make_endpoint, settings
):
    endpoint = make_endpoint(make_customer(), receiver)
    states = [DeliveryState.DELIVERED, DeliveryState.FAILED, DeliveryState.PENDING, DeliveryState.DELIVERED]
    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event_type="webhook.test", payload={}, state=state)
        for state in states
    )
    old = timezone.now() - timedelta(days=settings.WEBHOOKS_KEEP_DAYS + 1)
    WebhookDelivery.objects.filter(pk__in=[row.pk for row in rows[:3]]).update(created_at=old)

    purge_webhook_deliveries()

    assert sorted(WebhookDelivery.objects.values_list("pk", flat=True)) == [rows[2].pk, rows[3].pk]
