"""Reads of webhooks for the pages and the REST API: a customer's endpoints, and their delivery logs.
They never lock or write."""

from __future__ import annotations

from django.db.models import QuerySet

from webhooks.models import MAX_ENDPOINTS_PER_CUSTOMER, DeliveryState, WebhookDelivery, WebhookEndpoint


def endpoints_of(*, customer) -> QuerySet[WebhookEndpoint]:
    """The customer's endpoints, oldest first: the only ones a customer sees or changes."""
    return WebhookEndpoint.objects.filter(customer=customer)


def endpoint_limit_reached(*, endpoints: int) -> bool:
    """Whether a customer with `endpoints` endpoints may register no more of them."""
    return endpoints >= MAX_ENDPOINTS_PER_CUSTOMER


def delivery_log(*, endpoint_id: int, state: DeliveryState | None = None) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first (the index webhook_delivery_log), only those in `state`
    when given: the endpoint's page and the REST API's `deliveries`."""
    deliveries = WebhookDelivery.objects.filter(endpoint_id=endpoint_id).order_by("-id")
    return deliveries.filter(state=state) if state is not None else deliveries
