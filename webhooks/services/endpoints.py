"""The customer's endpoints: what the pages, the REST API and the admin change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from panel.ratelimit import rate_limit_hit
from webhooks.models import (
    MAX_ENDPOINTS_PER_CUSTOMER,
    DeliveryState,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
)
from webhooks.selectors import endpoint_limit_reached, endpoints_of
from webhooks.sending import UrlRefused, url_check
from webhooks.services.recording import event_new, send_on_commit
from webhooks.signing import secret_generate


class WebhookRefused(Exception):
    """A customer's request about webhooks that cannot be done; the message is fit to show."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class WebhookTestLimited(WebhookRefused):
    """Too many test events in the last minute: `retry_after` seconds to wait."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def endpoint_disable(*, endpoint_id: int, reason: str, **conditions: Any) -> bool:
    """Disable an active endpoint (that meets `conditions`, in the same statement: a customer who
    enables it meanwhile wins); its pending deliveries fail, since a receiver that comes back must
    not get a stale part of the story (events while disabled are not recorded). False if nothing
    was disabled."""
    with transaction.atomic():
        disabled = WebhookEndpoint.objects.filter(
            pk=endpoint_id, disabled_at__isnull=True, **conditions
        ).update(disabled_at=timezone.now(), disabled_reason=reason)
        if disabled:
            WebhookDelivery.objects.filter(endpoint_id=endpoint_id, state=DeliveryState.PENDING).update(
                state=DeliveryState.FAILED, next_attempt_at=None, last_error="Endpoint disabled"
            )
    return bool(disabled)


def webhook_endpoint_create(*, customer, url: str) -> WebhookEndpoint:
    try:
        url = url_check(url)
    except UrlRefused as refusal:
        raise WebhookRefused(str(refusal), field="url") from None
    with transaction.atomic():
        # The customer's row lock makes the checks and the insert one step: two requests at
        # once cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=customer.pk).values_list("pk").first()
        existing = list(endpoints_of(customer=customer).values_list("url", flat=True))
        if url in existing:
            raise WebhookRefused("This URL is registered already.", field="url")
        if endpoint_limit_reached(endpoints=len(existing)):
            raise WebhookRefused(f"You can register at most {MAX_ENDPOINTS_PER_CUSTOMER} endpoints.")
        return WebhookEndpoint.objects.create(customer=customer, url=url, secret=secret_generate())


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret, used from the next attempt on (retries of older events included)."""
    endpoint.secret = secret_generate()
    endpoint.save(update_fields=["secret"])
    return endpoint


def webhook_endpoint_disable(*, endpoint: WebhookEndpoint) -> None:
    endpoint_disable(endpoint_id=endpoint.pk, reason="Disabled by you")


def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> None:
    """Deliveries start again with the next event; a run of failures starts from zero."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        disabled_at=None, disabled_reason="", consecutive_failures=0, failing_since=None
    )


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()  # and its delivery log


def webhook_test_send(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` event to this endpoint only, sent like any other (retries included)."""
    if not endpoint.is_active:
        raise WebhookRefused("Enable the endpoint first.")
    # A test makes the panel POST to a URL of the customer's choosing at will: bounded per
    # customer, whichever endpoint, so that the panel is no reflector.
    limit = settings.WEBHOOKS_TEST_LIMIT_PER_MINUTE
    retry_after = rate_limit_hit(scope="webhook-tests", who=str(endpoint.customer_id), per_minute=limit)
    if retry_after is not None:
        raise WebhookTestLimited(
            f"You can send {limit} test events a minute; try again in {retry_after} s.",
            retry_after=retry_after,
        )
    event_id, payload = event_new(EventType.TEST, {"message": "A test event"}, timezone.now())
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event_id=event_id, event_type=EventType.TEST, payload=payload
        )
        send_on_commit([delivery.pk])
    return delivery
