"""Support tickets in the REST API: a viewset for panel/rest's router (`tickets`), for resellers'
own support desks. Authentication, errors, throttling and pagination are the REST_FRAMEWORK
defaults. Thin: each action calls one service of support.services. Only the caller's own tickets exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from panel.rest.errors import error_responses
from panel.rest.views import OwnObjects
from support.models import Message, Subject, Ticket
from support.models import Request as TicketRequest
from support.selectors import ticket_thread, tickets_of
from support.services import MAX_BODY, MAX_ORDERS, TicketRefused, ticket_open, ticket_reply


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = ["id", "from_staff", "body", "created_at"]
        read_only_fields = fields


class TicketSerializer(serializers.ModelSerializer):
    orders = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "subject",
            "request",
            "orders",
            "state",
            "unread_by_customer",
            "created_at",
            "last_message_at",
        ]
        read_only_fields = fields


class TicketWithThreadSerializer(TicketSerializer):
    messages = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "messages"]
        read_only_fields = fields

    def get_messages(self, ticket: Ticket) -> list[dict[str, Any]]:
        return MessageSerializer(ticket_thread(ticket_id=ticket.pk), many=True).data


class TicketCreateSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(choices=Subject.choices)
    request = serializers.ChoiceField(
        choices=TicketRequest.choices[1:], required=False, help_text="For `order` only."
    )
    orders = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=MAX_ORDERS,
        help_text="Your order ids.",
    )
    message = serializers.CharField(max_length=MAX_BODY)


class ReplySerializer(serializers.Serializer):
    message = serializers.CharField(max_length=MAX_BODY)


def _refused(refusal: TicketRefused) -> exceptions.APIException:
    if refusal.retry_after:
        throttled = exceptions.Throttled(wait=refusal.retry_after)
        throttled.detail = exceptions.ErrorDetail(refusal.message, code="throttled")
        return throttled
    return exceptions.ValidationError({refusal.field or "non_field_errors": [refusal.message]})


_WHEN = {
    400: "`invalid_parameter`: `field` names the culprit (a subject, an order that is not yours...).",
    404: "`ticket_not_found`: none of yours.",
    429: "`throttled`: too many calls with this key, or SUPPORT_TICKETS_PER_MINUTE new tickets; "
    "see Retry-After.",
}


@extend_schema_view(
    list=extend_schema(
        summary="Your support tickets, latest message first",
        responses={200: TicketSerializer(many=True), **error_responses(400, when=_WHEN)},
    ),
    retrieve=extend_schema(
        summary="One ticket with its thread, oldest message first",
        responses={200: TicketWithThreadSerializer, **error_responses(404, when=_WHEN)},
    ),
    create=extend_schema(
        summary="Open a ticket",
        request=TicketCreateSerializer,
        responses={201: TicketWithThreadSerializer, **error_responses(400, 413, 415, when=_WHEN)},
    ),
    reply=extend_schema(
        summary="Reply on a ticket (a closed one opens again)",
        request=ReplySerializer,
        responses={201: TicketWithThreadSerializer, **error_responses(400, 404, when=_WHEN)},
    ),
)
class TicketViewSet(OwnObjects, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TicketSerializer
    not_found = ("ticket_not_found", "No such ticket")

    def get_queryset(self) -> QuerySet[Ticket]:
        return tickets_of(self.request.user).order_by("-id")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return TicketSerializer if self.action == "list" else TicketWithThreadSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = TicketCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            ticket = ticket_open(
                customer=request.user,
                subject=data["subject"],
                request=data.get("request", ""),
                order_ids=data.get("orders", []),
                message=data["message"],
                site_url=request.build_absolute_uri("/"),
            )
        except TicketRefused as refusal:
            raise _refused(refusal) from None
        return Response(TicketWithThreadSerializer(ticket).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            ticket_reply(ticket=ticket, customer=request.user, message=body.validated_data["message"])
        except TicketRefused as refusal:
            raise _refused(refusal) from None
        return Response(TicketWithThreadSerializer(ticket).data, status=status.HTTP_201_CREATED)
