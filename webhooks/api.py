"""Webhook endpoints in the REST API: a viewset for panel/rest's router (`webhooks`).

Authentication, errors, throttling and pagination are the project's REST_FRAMEWORK defaults.
Thin: each action calls one service of webhooks.services. Only the caller's own endpoints exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from panel.rest.errors import error_responses
from panel.rest.views import OwnObjects, query_filters
from webhooks import selectors, services
from webhooks.models import DELIVERY_RECORD_FIELDS, DeliveryState, WebhookDelivery, WebhookEndpoint


class EndpointSerializer(serializers.ModelSerializer):
    # The model's property (disabled_at is null), declared as the column it replaced was.
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "created_at",
        ]
        read_only_fields = [name for name in fields if name != "url"]


class EndpointWithSecretSerializer(EndpointSerializer):
    """With the signing secret: on the answers that are about one endpoint."""

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = [name for name in fields if name != "url"]


class DeliverySerializer(serializers.ModelSerializer):
    payload = serializers.JSONField(help_text="The body sent, as JSON.")
    # The model's property (a delivered one's last attempt), declared as the column it replaced was.
    delivered_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", *DELIVERY_RECORD_FIELDS]
        read_only_fields = fields


class DeliveryFilters(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=DeliveryState.choices, required=False, help_text="Only deliveries in this state."
    )


_WHEN = {
    400: "`invalid_parameter`: `field` names the culprit (a URL that is not allowed, a bad state).",
    404: "`webhook_not_found`: none of yours.",
    409: "`webhook_refused`: the endpoint's state or your limit of endpoints does not allow it.",
}
_ONE = error_responses(404, when=_WHEN)


@extend_schema_view(
    list=extend_schema(
        summary="Your webhook endpoints",
        responses={200: EndpointSerializer(many=True), **error_responses(400, when=_WHEN)},
    ),
    retrieve=extend_schema(
        summary="One endpoint, with its signing secret",
        responses={200: EndpointWithSecretSerializer, **_ONE},
    ),
    create=extend_schema(
        summary="Register a URL to receive signed POSTs when your orders and refills change status",
        request=EndpointSerializer,
        responses={
            201: EndpointWithSecretSerializer,
            **error_responses(400, 409, 413, 415, when=_WHEN),
        },
    ),
    destroy=extend_schema(summary="Delete an endpoint and its delivery log", responses={204: None, **_ONE}),
    rotate_secret=extend_schema(
        summary="Replace the signing secret; the new one signs every request from now on",
        request=None,
        responses={200: EndpointWithSecretSerializer, **_ONE},
    ),
    test=extend_schema(
        summary="Send a `webhook.test` event to this endpoint",
        request=None,
        responses={
            202: DeliverySerializer,
            **error_responses(
                404,
                409,
                when={
                    **_WHEN,
                    429: "`throttled`: too many calls with this key, or WEBHOOKS_TEST_LIMIT_PER_MINUTE "
                    "test events of yours in the last minute; see Retry-After.",
                },
            ),
        },
    ),
    enable=extend_schema(
        summary="Enable a disabled endpoint", request=None, responses={200: EndpointSerializer, **_ONE}
    ),
    disable=extend_schema(
        summary="Disable an endpoint: no more events, its pending deliveries fail",
        request=None,
        responses={200: EndpointSerializer, **_ONE},
    ),
    deliveries=extend_schema(
        summary="The endpoint's delivery log, newest first",
        parameters=[DeliveryFilters],
        responses={200: DeliverySerializer(many=True), **error_responses(400, 404, when=_WHEN)},
    ),
)
class WebhookEndpointViewSet(
    OwnObjects,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EndpointSerializer
    not_found = ("webhook_not_found", "No such webhook endpoint")

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return selectors.endpoints_of(customer=self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action in ("retrieve", "create", "rotate_secret"):
            return EndpointWithSecretSerializer
        if self.action in ("deliveries", "test"):
            return DeliverySerializer
        return EndpointSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = EndpointSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # A WebhookRefused is panel.rest.errors' to answer (400 naming the field, else 409).
        endpoint = services.webhook_endpoint_create(customer=request.user, url=body.validated_data["url"])
        return Response(EndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.webhook_endpoint_delete(endpoint=instance)

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str) -> Response:
        endpoint = services.webhook_endpoint_rotate_secret(endpoint=self.get_object())
        return Response(EndpointWithSecretSerializer(endpoint).data)

    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str) -> Response:
        delivery = services.webhook_test_send(endpoint=self.get_object())
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    def _switched(self, service: Callable[..., None]) -> Response:
        """The endpoint as `service` (enable or disable, each one UPDATE) left it."""
        endpoint = self.get_object()
        service(endpoint=endpoint)
        endpoint.refresh_from_db()
        return Response(EndpointSerializer(endpoint).data)

    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk: str) -> Response:
        return self._switched(services.webhook_endpoint_enable)

    @action(detail=True, methods=["post"])
    def disable(self, request: Request, pk: str) -> Response:
        return self._switched(services.webhook_endpoint_disable)

    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        state = query_filters(DeliveryFilters, request).get("state")
        deliveries = selectors.delivery_log(endpoint_id=self.get_object().pk, state=state)
        page = self.paginate_queryset(deliveries)  # REST_FRAMEWORK's pagination: never None
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
