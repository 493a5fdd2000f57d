"""Every error of the REST API in one JSON shape, with a stable code:

    {"error": {"code": "quantity_below_minimum", "message": "Quantity less than minimal 50",
               "field": "quantity", "fields": {"quantity": ["Quantity less than minimal 50"]}}}

`code` is what programs match on and never changes for a kind of error; `message` is for people
(a refusal's is API v2's text); `field` names the request field at fault, when one is;
`fields` (400 only) lists each field's problems. Statuses:

- 400 a malformed request or a refused parameter (`invalid_parameter`, `bad_link`,
  `incorrect_service`, `quantity_below_minimum`...);
- 401 `not_authenticated` (no key) or `invalid_api_key`;
- 402 `not_enough_funds`: the request is right, the balance is short; `outstanding_debt`: a
  reversed payment left a debt, and no order is taken until a deposit settles it;
- 404 no such object among the caller's own (another customer's is a 404 too), with the code of
  its API v2 text: `order_not_found`, `refill_not_found`, and `incorrect_service` for a service
  that cannot be bought (as when ordering it, where it is a 400); `payment_not_found` (API v2 has
  no payments); `not_found` for a path;
- 403 `blocked`: the blocklist holds the customer's e-mail, address or the link;
  `account_frozen`: staff froze the account (its key is refused);
- 409 the state of the order or its service does not allow it (`cancel_disabled`,
  `active_order_with_link`, `refill_under_way`...);
- 413 `body_too_large`, 415 `unsupported_media_type`;
- 422 `idempotency_key_reused`: the key came before with another body;
- 429 `throttled`, with Retry-After.

Anything else is a bug and Django's 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from fraud.services.blocklist import BLOCKED
from fraud.services.freezing import ACCOUNT_FROZEN_CODE
from orders import errors
from orders.errors import OrderRefused
from panel.rest.parsers import BodyTooLarge
from webhooks.services import WebhookRefused, WebhookTestLimited

INVALID_PARAMETER = errors.CODES[errors.INCORRECT_REQUEST]
# The field of an idempotency refusal, and how the REST API names it: it came as a header.
_IDEMPOTENCY_FIELD = "idempotency_key"
IDEMPOTENCY_HEADER = "Idempotency-Key"

# The HTTP status of each refusal code of orders.errors (OrderRefused.code). A new code must get
# its line here (tests/rest checks that every code of orders.errors has one).
_BAD, _FUNDS, _MISSING, _CONFLICT = (
    status.HTTP_400_BAD_REQUEST,
    status.HTTP_402_PAYMENT_REQUIRED,
    status.HTTP_404_NOT_FOUND,
    status.HTTP_409_CONFLICT,
)
REFUSAL_STATUS: dict[str, int] = {
    **{
        errors.CODES[text]: _BAD
        for text in (errors.INCORRECT_SERVICE, errors.BAD_LINK, errors.INCORRECT_REQUEST)
    },
    errors.QUANTITY_BELOW_MINIMUM: _BAD,
    errors.QUANTITY_ABOVE_MAXIMUM: _BAD,
    errors.CODES[errors.NOT_ENOUGH_FUNDS]: _FUNDS,
    # The request is right; the account owes a reversed payment's money until a deposit settles it.
    errors.OUTSTANDING_DEBT: _FUNDS,
    **{errors.CODES[text]: _MISSING for text in (errors.INCORRECT_ORDER, errors.REFILL_NOT_FOUND)},
    **{
        errors.CODES[text]: _CONFLICT
        for text in (
            errors.ACTIVE_ORDER_WITH_LINK,
            errors.REFILL_DISABLED,
            errors.CANCEL_DISABLED,
            errors.CANCEL_TOO_LATE,
            errors.CANCEL_WHILE_SENDING,
            errors.CANCEL_ALREADY_REQUESTED,
            errors.REFILL_NOT_COMPLETED,
            errors.REFILL_UNDER_WAY,
            errors.REFILL_PERIOD_EXPIRED,
        )
    },
    errors.CODES[errors.IDEMPOTENCY_KEY_REUSED]: status.HTTP_422_UNPROCESSABLE_ENTITY,
    # Fraud controls: the request is right, the panel will not take it from this customer.
    BLOCKED: status.HTTP_403_FORBIDDEN,
    ACCOUNT_FROZEN_CODE: status.HTTP_403_FORBIDDEN,
}


def error_body(
    code: str, message: str, *, field: str | None = None, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    if fields:
        error["fields"] = fields
    return {"error": error}


def _messages(detail: Any) -> list[str]:
    """Every message in a (possibly nested) DRF error detail, flattened."""
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


def _validation(detail: Any) -> dict[str, Any]:
    if not isinstance(detail, dict):
        messages = _messages(detail)
        return error_body(INVALID_PARAMETER, messages[0] if messages else "Invalid request.")
    fields = {str(name): _messages(value) for name, value in detail.items()}
    field, messages = next(iter(fields.items()))
    return error_body(INVALID_PARAMETER, f"{field}: {messages[0]}", field=field, fields=fields)


class WebhookConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "webhook_refused"


def _webhook_refusal(refused: WebhookRefused) -> exceptions.APIException:
    """A refusal by the webhook services: about a field, a 400 naming it; too many tests, a 429
    with Retry-After; else a 409."""
    if isinstance(refused, WebhookTestLimited):
        throttled = exceptions.Throttled(wait=refused.retry_after)
        throttled.detail = exceptions.ErrorDetail(refused.message, code="throttled")  # says the wait
        return throttled
    if refused.field:
        return exceptions.ValidationError({refused.field: [refused.message]})
    return WebhookConflict(refused.message)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: OrderRefused, WebhookRefused and every APIException in the shape above.

    Returns None (Django's 500) for anything else: that is a bug, never an answer to input.
    """
    if isinstance(exc, OrderRefused):
        # A staff-only refusal (code `refused`) has no line: it never comes through this API.
        status_code, code = REFUSAL_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST), exc.code
        field = IDEMPOTENCY_HEADER if exc.field == _IDEMPOTENCY_FIELD else exc.field
        fields = {field: [exc.message]} if field and status_code == status.HTTP_400_BAD_REQUEST else None
        return Response(error_body(code, exc.message, field=field, fields=fields), status=status_code)
    if isinstance(exc, WebhookRefused):
        exc = _webhook_refusal(exc)
    elif isinstance(exc, RequestDataTooBig):  # DATA_UPLOAD_MAX_MEMORY_SIZE: DRF reads request.body
        exc = BodyTooLarge()
    elif isinstance(exc, Http404):  # DRF's content negotiation, for a `?format=` no renderer has
        exc = exceptions.NotFound()
    if not isinstance(exc, exceptions.APIException):
        return None
    response = drf_exception_handler(exc, context)  # its headers (WWW-Authenticate, Retry-After)
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation(exc.detail)
    else:
        code = exc.get_codes()
        response.data = error_body(code if isinstance(code, str) else exc.default_code, str(exc.detail))
    return response


# -- the shape in the OpenAPI schema -----------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, snake_case: what programs match on.")
    message = serializers.CharField(help_text="For people; a refusal's is API v2's error text.")
    field = serializers.CharField(required=False, help_text="The request field at fault, if one is.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="400 only: each field's problems.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_WHEN = {
    400: "Malformed or refused: `invalid_parameter`, `incorrect_service`, `bad_link`, "
    "`quantity_below_minimum`, `quantity_above_maximum`; `field` names the culprit.",
    401: "`not_authenticated` (no key) or `invalid_api_key`.",
    402: "`not_enough_funds`, or `outstanding_debt` (a reversed payment's debt: add funds first).",
    404: "`not_found`, `order_not_found`, `refill_not_found`: none of yours.",
    409: "The order's or its service's state does not allow it: `active_order_with_link`, "
    "`cancel_disabled`, `cancel_too_late`, `cancel_already_requested`, `order_being_sent`, "
    "`refill_disabled`, `refill_not_possible`, `refill_under_way`, `refill_period_expired`.",
    413: "`body_too_large`.",
    415: "`unsupported_media_type`: send JSON.",
    422: "`idempotency_key_reused`: this Idempotency-Key came before with another body.",
    429: "`throttled`: too many calls with this key, or too many bad keys from this address; "
    "see Retry-After.",
}


def error_responses(*statuses: int, when: dict[int, str] | None = None) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation: 401 and 429 always, and `statuses`.

    `when` replaces the description of some of them (for resources other than orders).
    """
    texts = {**_WHEN, **(when or {})}
    return {code: OpenApiResponse(ErrorSerializer, description=texts[code]) for code in (401, 429, *statuses)}
