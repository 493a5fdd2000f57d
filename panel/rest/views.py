"""The REST API's resources. Thin: each reads its input, calls one service or query, and answers.

Each get_queryset is what the key's owner may see (their own objects, the services they may buy):
another customer's object is a 404, like one that does not exist. A list's query parameters are
checked and applied in filter_queryset, which get_object calls too (an object by its id ignores
them); transactions, a list only, take theirs in the page's selector. Refusals of the order
services (OrderRefused) become errors in panel.rest.errors.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.models import EntryKind, LedgerEntry
from billing.selectors import balance_amount, ledger_entries
from catalog.models import Service
from catalog.selectors import services_for
from orders import errors as refusals
from orders.models import Order, Refill
from orders.selectors import orders_in_status, refills_of
from orders.services.cancels_refills import order_request_cancel, order_request_refill
from orders.services.idempotency import MAX_KEY_LENGTH, order_place_idempotent
from panel.api.parsing import id_of
from panel.clientip import client_address
from panel.rest.errors import IDEMPOTENCY_HEADER, error_body, error_responses
from panel.rest.serializers import (
    BalanceSerializer,
    OrderCreateSerializer,
    OrderFilters,
    OrderSerializer,
    PaymentSerializer,
    RefillSerializer,
    ServiceFilters,
    ServiceSerializer,
    TransactionFilters,
    TransactionSerializer,
)
from payments.models import Payment
from provider.statuses import OrderStatus

REPLAYED_HEADER = "Idempotent-Replayed"


def query_filters(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The query's filters, checked: a 400 naming the parameter when one is wrong."""
    filters = serializer_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return dict(filters.validated_data)


class OwnObjects:
    """get_object's 404 with a code and text of its kind (API v2's, where it has one)."""

    not_found: tuple[str, str]  # (code, message)

    def get_object(self) -> Any:
        try:
            return super().get_object()  # type: ignore[misc]
        except Http404:
            code, message = self.not_found
            raise NotFound(message, code=code) from None


def _refusal(message: str) -> tuple[str, str]:
    """OwnObjects.not_found for a refusal of orders.errors: its code (CODES) and its API v2 text."""
    return refusals.CODES[message], message


# -- services -----------------------------------------------------------------------------------

_NO_SUCH_SERVICE = {404: "`incorrect_service`: no such service, or one you cannot order."}


@extend_schema_view(
    list=extend_schema(
        summary="The services you can order, at your prices",
        parameters=[ServiceFilters],
        responses={200: ServiceSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary="One service",
        responses={200: ServiceSerializer, **error_responses(404, when=_NO_SUCH_SERVICE)},
    ),
)
class ServiceViewSet(OwnObjects, viewsets.ReadOnlyModelViewSet):
    """What you can order: enabled services of visible categories, at your rates."""

    serializer_class = ServiceSerializer
    # The whole catalog in one answer, as API v2's `services`: one query however long.
    pagination_class = None
    # A service that cannot be bought is API v2's "Incorrect service ID", as on placing an order.
    not_found = _refusal(refusals.INCORRECT_SERVICE)

    def get_queryset(self) -> QuerySet[Service]:
        # What is listed is what can be bought: the price list's and API v2's query.
        return services_for(self.request.user)

    def filter_queryset(self, queryset: QuerySet[Service]) -> QuerySet[Service]:
        if self.action != "list":
            return queryset
        filters = query_filters(ServiceFilters, self.request)
        category = filters.get("category", "").strip()
        if category:
            # An id as API v2 reads one, or a name.
            category_id = id_of(category)
            by_id = Q(category_id=category_id) if category_id is not None else Q()
            queryset = queryset.filter(by_id | Q(category__name__iexact=category))
        if "type" in filters:
            queryset = queryset.filter(type=filters["type"])
        return queryset


# -- orders -------------------------------------------------------------------------------------

_IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    OpenApiParameter.HEADER,
    description=f"Up to {MAX_KEY_LENGTH} characters of your choosing, one per order you mean to place. "
    "Sent again with the same body (a retry after a timeout), it answers 201 with the order the first "
    f"request placed, with the header `{REPLAYED_HEADER}: true`, and places and charges nothing; with "
    f"another body it is refused (422). Kept at least {settings.IDEMPOTENCY_KEY_HOURS} hours.",
)
_REPLAYED = OpenApiParameter(
    REPLAYED_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=["true"],
    response=[201],
    description="Present when the answer is a replay of an earlier request with the same Idempotency-Key.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Your orders, newest first",
        parameters=[OrderFilters],
        responses={200: OrderSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary="One of your orders", responses={200: OrderSerializer, **error_responses(404)}
    ),
    create=extend_schema(
        summary="Place an order",
        description="Charged from your balance at once and sent to the provider. The body is `service` "
        "and the parameters of its type, as the service's `parameters` list them.",
        request=OrderCreateSerializer,
        parameters=[_IDEMPOTENCY_PARAMETER, _REPLAYED],
        responses={201: OrderSerializer, **error_responses(400, 402, 409, 413, 415, 422)},
    ),
    cancel=extend_schema(
        summary="Ask to cancel an order",
        description="An order not yet sent is canceled and refunded at once; a sent one when the "
        "provider confirms (its status tells).",
        request=None,
        responses={200: OrderSerializer, **error_responses(404, 409)},
    ),
    refill=extend_schema(
        summary="Ask for a refill of a completed order",
        request=None,
        responses={201: RefillSerializer, **error_responses(404, 409)},
    ),
)
class OrderViewSet(OwnObjects, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your orders. `status` is Pending (also while not yet sent), In progress, Processing, Completed,
    Partial (the rest was refunded) or Canceled (refunded in full)."""

    serializer_class = OrderSerializer
    not_found = _refusal(refusals.INCORRECT_ORDER)

    def get_queryset(self) -> QuerySet[Order]:
        return Order.objects.filter(customer=self.request.user)

    def filter_queryset(self, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if self.action != "list":
            return queryset
        filters = query_filters(OrderFilters, self.request)
        if "status" in filters:
            queryset = orders_in_status(queryset, OrderStatus(filters["status"]))
        if "service" in filters:
            queryset = queryset.filter(service_id=filters["service"])
        if "created_after" in filters:
            queryset = queryset.filter(created_at__gte=filters["created_after"])
        if "created_before" in filters:
            queryset = queryset.filter(created_at__lt=filters["created_before"])
        return queryset

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        customer, service_id, params = request.user, body.validated_data["service"], body.order_params()
        order, replayed = order_place_idempotent(
            customer=customer,
            service_id=service_id,
            params=params,
            key=request.headers.get(IDEMPOTENCY_HEADER),
            strict=True,
            ip=client_address(request),
        )
        headers = {REPLAYED_HEADER: "true"} if replayed else {}
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED, headers=headers)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        order = order_request_cancel(customer=request.user, order_id=pk)
        return Response(self.get_serializer(order).data)

    @action(detail=True, methods=["post"])
    def refill(self, request: Request, pk: str) -> Response:
        refill = order_request_refill(customer=request.user, order_id=pk)
        return Response(RefillSerializer(refill).data, status=status.HTTP_201_CREATED)


# -- refills, balance, transactions ---------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Your refills, newest first",
        responses={200: RefillSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary="One of your refills", responses={200: RefillSerializer, **error_responses(404)}
    ),
)
class RefillViewSet(OwnObjects, viewsets.ReadOnlyModelViewSet):
    """Refills you asked for (`POST /api/rest/orders/{id}/refill/`) and where they are."""

    serializer_class = RefillSerializer
    not_found = _refusal(refusals.REFILL_NOT_FOUND)

    def get_queryset(self) -> QuerySet[Refill]:
        return refills_of(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Your balance's movements, newest first",
        parameters=[TransactionFilters],
        responses={200: TransactionSerializer(many=True), **error_responses(400)},
    )
)
class TransactionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your ledger: deposits, charges, refunds and adjustments; the sum of them is your balance."""

    serializer_class = TransactionSerializer

    def get_queryset(self) -> QuerySet[LedgerEntry]:
        # The transactions page's query, its `kind` filter included (a list only: no get_object).
        kind = query_filters(TransactionFilters, self.request).get("kind")
        return ledger_entries(customer_id=self.request.user.pk, kind=EntryKind(kind) if kind else None)


@extend_schema_view(
    list=extend_schema(
        summary="Your payments (funds added through a gateway), newest first",
        responses={200: PaymentSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary="One of your payments",
        responses={
            200: PaymentSerializer,
            **error_responses(404, when={404: "`payment_not_found`: none of yours."}),
        },
    ),
)
class PaymentViewSet(OwnObjects, viewsets.ReadOnlyModelViewSet):
    """Your payments at the gateways; a payment's money is in your transactions once it is `paid`."""

    serializer_class = PaymentSerializer
    not_found = ("payment_not_found", "Payment not found")

    def get_queryset(self) -> QuerySet[Payment]:
        # The index payment_customer_recent: (customer, -id), the cursor pages' order.
        return Payment.objects.filter(customer=self.request.user)


class BalanceView(APIView):
    """What you can spend."""

    @extend_schema(summary="Your balance", responses={200: BalanceSerializer, **error_responses()})
    def get(self, request: Request) -> Response:
        return Response(BalanceSerializer({"balance": balance_amount(customer_id=request.user.pk)}).data)


@csrf_exempt  # called with a key by programs, like every path here
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other path under /api/rest/ (`/orders/0.5/` too): the API's 404, not the site's page."""
    return JsonResponse(
        error_body(NotFound.default_code, "There is no such endpoint."), status=status.HTTP_404_NOT_FOUND
    )


# -- the docs page ------------------------------------------------------------------------------


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar): works offline. The split
    view serves its start script as a file, and our template has no inline style, so the site's
    CSP (panel.csp: `script-src 'self'; style-src 'self'`) holds on this page as well."""

    template_name = "rest/swagger_ui.html"
