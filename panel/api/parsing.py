"""Reading an API v2 request into one flat {name: text} mapping, or refusing it as malformed.

A request may come as GET query parameters, a POST form (urlencoded or multipart) or a POST JSON
object; POST may also carry query parameters. Every way of getting it wrong is refused here with
`Malformed`, which the front door answers as {"error": "Incorrect request"}:

- a body longer than settings.API_MAX_BODY_BYTES (told by Content-Length, before it is read) or
  than Django's own DATA_UPLOAD_MAX_MEMORY_SIZE / DATA_UPLOAD_MAX_NUMBER_FIELDS, a broken
  multipart body, an uploaded file;
- JSON that does not parse, is not an object, nests too deep, has NaN/Infinity;
- a parameter given twice (`?key=a&key=b`, twice in a JSON object, or once in the query and
  once in the body);
- in JSON: true/false, an object, or an array where the parameter is not a list (`orders`,
  `refills`, `comments`, `usernames`...: arrays of strings and numbers are joined for those);
- a value with a NUL character or a lone surrogate (the database could not store it).

JSON null means "not given". Numbers become their text (`100` -> "100", `1.5` -> "1.5"), so the
same rules judge them as a form's values.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

from panel.api.definitions import ARRAY_PARAMS, MAX_IDS

# The largest id the database holds (a bigint).
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")
_JSON_TYPES = ("application/json", "text/json")


class Malformed(Exception):
    """The request cannot be read. The text says why, for the log; it never holds a value."""


def read_params(request: HttpRequest) -> dict[str, str]:
    """The request's parameters, each a string, or Malformed."""
    if request.method not in ("GET", "POST"):
        raise Malformed(f"method {request.method}")
    refuse_a_long_body(request)
    try:
        pairs = _pairs(request.GET.lists())
        if request.method == "POST":
            if _is_json(request.content_type):
                # No body at all is no parameters, not broken JSON: POST with the query only.
                pairs += _json_pairs(request.body) if request.body else []
            else:
                pairs += _pairs(request.POST.lists())
                if request.FILES:
                    raise Malformed("a file was uploaded")
    except RequestDataTooBig:
        raise Malformed("the body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE") from None
    except (TooManyFieldsSent, TooManyFilesSent):
        raise Malformed("too many fields") from None
    except MultiPartParserError:
        raise Malformed("a broken multipart body") from None
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise Malformed(f"{name!r} was given more than once")
        params[name] = _clean(name, value)
    return params


def refuse_a_long_body(request: HttpRequest) -> None:
    """Malformed when the Content-Length is over settings.API_MAX_BODY_BYTES or unreadable: the
    body's limit of API v2 and of the REST API's JSON parser (panel.rest.parsers)."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        raise Malformed("an unreadable Content-Length") from None
    if length > settings.API_MAX_BODY_BYTES:
        raise Malformed(f"a body of {length} bytes")


def _is_json(content_type: str | None) -> bool:
    content_type = (content_type or "").lower()
    return content_type in _JSON_TYPES or content_type.endswith("+json")


def _pairs(lists: Any) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, values in lists:
        pairs.extend((name, value) for value in values)
    return pairs


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise Malformed("a name was given more than once in a JSON object")
    return dict(pairs)


def _json_pairs(body: bytes) -> list[tuple[str, str]]:
    try:
        data = json.loads(
            body, parse_float=Decimal, parse_constant=_no_constants, object_pairs_hook=_unique_names
        )
    except (ValueError, RecursionError):
        # ValueError: not JSON, not UTF-8/16/32, or an integer of thousands of digits.
        # RecursionError: arrays nested thousands deep.
        raise Malformed("the body is not JSON") from None
    if not isinstance(data, dict):
        raise Malformed("the JSON body is not an object")
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        text = _json_value(name, value)
        if text is not None:
            pairs.append((name, text))
    return pairs


def _json_scalar(name: str, value: Any) -> str:
    # bool is an int: test it first. true/false mean nothing the protocol sends.
    if isinstance(value, bool):
        raise Malformed(f"{name!r} is a boolean")
    if isinstance(value, str):
        return value
    if isinstance(value, int | Decimal):
        return str(value)
    raise Malformed(f"{name!r} is a {type(value).__name__}")


def _json_value(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        separator = ARRAY_PARAMS.get(name)
        if separator is None:
            raise Malformed(f"{name!r} is an array")
        return separator.join(_json_scalar(name, item) for item in value)
    return _json_scalar(name, value)


def _clean(name: str, value: str) -> str:
    if "\x00" in value or "\x00" in name:
        raise Malformed(f"{name!r} has a NUL character")
    try:
        value.encode("utf-8")
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise Malformed(f"{name!r} has a lone surrogate") from None
    return value


# -- ids ----------------------------------------------------------------------------------------


def id_of(text: str) -> int | None:
    """`text` as a positive id the database can hold, or None."""
    text = text.strip()
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def id_list(text: str) -> list[str]:
    """The entries of a comma-separated id list, stripped, empty ones dropped, repeats once.

    Malformed when it has none or more than MAX_IDS (counted before repeats are dropped). An
    entry that is not an id stays in the list: the answer gives it the per-id error.
    """
    entries = [entry.strip() for entry in text.split(",")]
    entries = [entry for entry in entries if entry]
    if not entries:
        raise Malformed("an empty id list")
    if len(entries) > MAX_IDS:
        raise Malformed(f"{len(entries)} ids, more than {MAX_IDS}")
    unique: dict[str, None] = {}
    for entry in entries:
        number = id_of(entry)
        unique.setdefault(entry if number is None else str(number), None)
    return list(unique)


def id_or_text(entry: str) -> int | str:
    """How an entry of an id list is echoed in a list answer: a number when it is written as
    one (0 too), else the text as sent."""
    return int(entry) if _ID.fullmatch(entry) else entry
