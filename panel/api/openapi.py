"""The OpenAPI 3.0 description of API v2, generated from panel.api.definitions.

API v2 is one URL whose `action` parameter picks the operation, which OpenAPI cannot key paths
on. So there is one path with GET (every parameter in the query) and POST (a form or a JSON
object); the request body is `oneOf` a schema per action form (its `action` an enum of one
value), and the answer `oneOf` a schema per form plus the error. Answer schemas are read off
the example answers, which also appear as named examples.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from orders.services.params import MAX_LINK_LENGTH
from panel.api.definitions import (
    ACTIONS,
    COMMON_ERRORS,
    KEY,
    MAX_IDS,
    TOO_MANY_REQUESTS,
    Action,
    Form,
    Kind,
    Param,
    with_currency,
)

_ERROR = {"$ref": "#/components/schemas/Error"}


def _param_schema(param: Param) -> dict[str, Any]:
    schema: dict[str, Any]
    if param.kind in (Kind.NUMBER, Kind.ID):
        schema = {"type": "integer", "minimum": 1 if param.kind == Kind.ID else 0}
    elif param.kind == Kind.IDS:
        schema = {"type": "string", "pattern": r"^\s*\d+\s*(,\s*\d*\s*)*$"}
    elif param.kind == Kind.LINK:
        schema = {"type": "string", "format": "uri", "maxLength": MAX_LINK_LENGTH}
    else:
        schema = {"type": "string"}
    description = param.description
    if param.kind == Kind.IDS:
        description += f" A JSON body may give an array of at most {MAX_IDS} numbers."
    elif param.kind == Kind.LINES:
        description += " A JSON body may give an array of strings."
    return {**schema, "description": description, "example": param.example}


def _name(action: Action, form: Form) -> str:
    words = f"{action.name} {form.title}".replace("_", " ").split()
    return "".join(word[:1].upper() + word[1:] for word in words if word.isalnum())


def _request_schema(action: Action, form: Form) -> dict[str, Any]:
    params = (KEY, *form.params)
    properties: dict[str, Any] = {
        "key": _param_schema(KEY),
        "action": {"type": "string", "enum": [action.name]},
    }
    properties.update({param.name: _param_schema(param) for param in form.params})
    return {
        "type": "object",
        "title": f"{action.name}: {form.title}",
        "description": action.summary,
        "required": ["action", *(param.name for param in params if param.required)],
        "properties": properties,
    }


def schema_of(example: Any) -> dict[str, Any]:
    """A JSON schema that `example` fits, with as much shape as it shows.

    An object keyed by numbers (status of many orders) is a map; a list whose items differ (an
    entry and an error in its place) is a list of `oneOf` them.
    """
    if isinstance(example, bool):
        return {"type": "boolean"}
    if isinstance(example, int):
        return {"type": "integer"}
    if isinstance(example, str):
        return {"type": "string"}
    if isinstance(example, dict):
        if example and all(name.isdigit() for name in example):
            return {"type": "object", "additionalProperties": _one_of(example.values())}
        if set(example) == {"error"}:
            return _ERROR
        return {
            "type": "object",
            "required": list(example),
            "properties": {name: schema_of(value) for name, value in example.items()},
        }
    if isinstance(example, list):
        return {"type": "array", "items": _one_of(example)}
    raise TypeError(f"no schema for {example!r}")


def _one_of(examples: Any) -> dict[str, Any]:
    schemas: list[dict[str, Any]] = []
    for example in examples:
        schema = schema_of(example)
        if schema not in schemas:
            schemas.append(schema)
    return schemas[0] if len(schemas) == 1 else {"oneOf": schemas}


def openapi_document(*, server_url: str, path: str) -> dict[str, Any]:
    currency = settings.PANEL_CURRENCY
    forms = [(action, form) for action in ACTIONS.values() for form in action.forms]
    requests = {f"{_name(a, f)}Request": _request_schema(a, f) for a, f in forms}
    answers: dict[str, Any] = {}
    examples: dict[str, Any] = {}
    for action, form in forms:
        # Every type of `add` answers alike: one schema, one example.
        name = "AddAnswer" if action.name == "add" else f"{_name(action, form)}Answer"
        if name in answers:
            continue
        answer = with_currency(form.answer, currency)
        answers[name] = {**schema_of(answer), "description": form.answer_note or action.summary}
        examples[name] = {"summary": f"{action.name}: {form.title}", "value": answer}
    examples["Error"] = {"summary": "an error", "value": {"error": "Incorrect order ID"}}

    ref = "#/components/schemas/"
    body_schema = {"oneOf": [{"$ref": ref + name} for name in requests]}
    answer_schema = {"oneOf": [*({"$ref": ref + name} for name in answers), _ERROR]}
    responses = {
        "200": {
            "description": (
                'The answer. Errors come with HTTP 200 too, as {"error": text}; '
                f'"{TOO_MANY_REQUESTS}" also sets the Retry-After header (seconds).'
            ),
            "headers": {
                "Retry-After": {
                    "description": 'With "Too many requests": seconds until calls are accepted again.',
                    "schema": {"type": "integer"},
                }
            },
            "content": {"application/json": {"schema": answer_schema, "examples": examples}},
        }
    }
    every_param = {param.name: param for _, form in forms for param in form.params}
    query = [
        {"name": "key", "in": "query", "required": True, "schema": _param_schema(KEY)},
        {
            "name": "action",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "enum": list(ACTIONS)},
        },
        *(
            {"name": name, "in": "query", "required": False, "schema": _param_schema(param)}
            for name, param in every_param.items()
        ),
    ]
    errors = sorted({text for action in ACTIONS.values() for text in action.errors} | set(COMMON_ERRORS))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"{settings.PANEL_NAME} API v2",
            "version": "2",
            "description": (
                "The SMM panel API v2: one URL, a `key` and an `action` on every call. Send them as "
                "a POST form (documented), GET query parameters or a JSON object. A parameter given "
                f"twice is an error. Error texts: {'; '.join(errors)}."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            path: {
                "get": {
                    "operationId": "apiV2Get",
                    "summary": "Any action, its parameters in the query string",
                    "parameters": query,
                    "responses": responses,
                },
                "post": {
                    "operationId": "apiV2Post",
                    "summary": "Any action, its parameters in a form or a JSON object",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {"schema": body_schema},
                            "multipart/form-data": {"schema": body_schema},
                            "application/json": {"schema": body_schema},
                        },
                    },
                    "responses": responses,
                },
            }
        },
        "components": {
            "schemas": {
                **requests,
                **answers,
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                    "description": (
                        f"A refusal, with one of these texts: {'; '.join(errors)}. The quantity "
                        'texts name the service\'s bounds; "Incorrect request" may add the reason '
                        'after a colon ("Incorrect request: quantity must be a whole number").'
                    ),
                },
            }
        },
    }
