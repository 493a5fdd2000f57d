"""Who calls the REST API, and how often: the API keys and the limits of API v2.

A key comes as `Authorization: Bearer <key>` or `X-API-Key: <key>`. Before a key is looked up,
the caller's address must not be blocked for trying bad keys (panel.api.throttle); a bad key
counts against that address. A known key's calls count against the same per-key budget as its
API v2 calls: one key, one limit. Keys are secrets: no log line here holds one.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from fraud.services.freezing import ACCOUNT_FROZEN, ACCOUNT_FROZEN_CODE
from panel.api import throttle
from panel.api.definitions import INVALID_API_KEY
from panel.models import User

KEY_HEADER = "X-API-Key"


def _key_of(request: Request) -> str | None:
    """The key the request carries, or None when it carries none (an empty one is a bad key)."""
    authorization = request.headers.get("Authorization")
    if authorization is not None:
        scheme, _, key = authorization.strip().partition(" ")
        if scheme.lower() == "bearer":
            return key.strip()
    return request.headers.get(KEY_HEADER)


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, None] | None:
        raw = _key_of(request)
        if raw is None:
            return None  # IsAuthenticated answers 401 not_authenticated
        try:
            customer = throttle.key_owner(request, raw, api="rest")
        except throttle.KeyRefused as refused:
            if refused.retry_after is not None:
                raise Throttled(wait=refused.retry_after) from None
            if refused.frozen:
                raise PermissionDenied(ACCOUNT_FROZEN, code=ACCOUNT_FROZEN_CODE) from None
            raise AuthenticationFailed(INVALID_API_KEY, code="invalid_api_key") from None
        return customer, None

    def authenticate_header(self, request: Request) -> str:
        # A WWW-Authenticate header is what makes DRF answer 401 rather than 403.
        return 'Bearer realm="api"'


class ApiKeyThrottle(BaseThrottle):
    """settings.API_RATE_LIMIT_PER_MINUTE calls a minute per key, counted with API v2's calls."""

    retry_after: int | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        customer = request.user
        if customer is None:  # the schema and the docs page: no key, nothing to count
            return True
        self.retry_after = throttle.over_limit(customer.pk, api="rest")
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The two ways of sending a key, as alternatives (either will do) in the OpenAPI schema."""

    target_class = ApiKeyAuthentication
    name = ["bearerAuth", "apiKeyAuth"]

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        return [{name: []} for name in self.name]

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        where = "Your API key, from the API page of your account."
        return [
            {"type": "http", "scheme": "bearer", "description": where},
            {"type": "apiKey", "in": "header", "name": KEY_HEADER, "description": where},
        ]
