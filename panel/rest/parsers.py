"""JSON bodies of the REST API, refused cleanly when they could not be stored or would be too big."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

from panel.api.parsing import Malformed, refuse_a_long_body


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "body_too_large"


class JsonParser(JSONParser):
    """DRF's JSON parser (NaN and Infinity refused), and also:

    - a body longer than settings.API_MAX_BODY_BYTES, told by Content-Length, as API v2 refuses it.
      DRF has read the body by then, as request.body: within Django's DATA_UPLOAD_MAX_MEMORY_SIZE,
      whose refusal panel.rest.errors answers 413 as well;
    - arrays nested deep enough to exhaust the stack (a RecursionError, not a ValueError);
    - lone surrogates (`"\\ud800"`): valid JSON, but PostgreSQL cannot store them.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                refuse_a_long_body(request)
            except Malformed:
                # Too long: a Content-Length DRF cannot read is no body to it, and no call of a parser.
                limit = settings.API_MAX_BODY_BYTES
                raise BodyTooLarge(f"The request body may have at most {limit} bytes.") from None
        try:
            data = super().parse(stream, media_type, parser_context)
            json.dumps(data, ensure_ascii=False).encode()
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        except UnicodeEncodeError:
            raise ParseError("JSON parse error - a string has a lone surrogate.") from None
        return data
