"""The API page's documentation: every action and form of panel.api.definitions with its
parameters, example requests (curl, Python with requests, PHP with curl) and example answer,
addressed to the panel's own URL."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

from django.conf import settings

from catalog.selectors import services_for
from panel.api.definitions import ACTIONS, KEY, Action, Form, Param, with_currency

# The languages of the examples, in the order the page offers them (the first is open).
LANGUAGES = ("curl", "Python", "PHP")


@dataclass(frozen=True)
class ExampleService:
    pk: int
    name: str  # the provider's words: shown escaped


@dataclass(frozen=True)
class Example:
    language: str
    code: str


@dataclass(frozen=True)
class FormDoc:
    form: Form
    anchor: str
    params: tuple[Param, ...]
    examples: tuple[Example, ...]
    service: ExampleService | None  # the service an `add` example orders
    answer: str  # the example answer as indented JSON


@dataclass(frozen=True)
class ActionDoc:
    action: Action
    forms: tuple[FormDoc, ...]


def _php(value: str) -> str:
    if "\n" in value:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("\n", "\\n")
        return f'"{escaped}"'
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def curl(url: str, fields: list[tuple[str, str]]) -> str:
    lines = [f"curl -X POST {shlex.quote(url)}"]
    lines += [f"  --data-urlencode {shlex.quote(f'{name}={value}')}" for name, value in fields]
    return " \\\n".join(lines)


def python(url: str, fields: list[tuple[str, str]]) -> str:
    data = "\n".join(f"        {name!r}: {value!r}," for name, value in fields)
    return (
        "import requests\n\n"
        "answer = requests.post(\n"
        f"    {url!r},\n"
        "    data={\n"
        f"{data}\n"
        "    },\n"
        "    timeout=30,\n"
        ").json()\n"
        "print(answer)"
    )


def php(url: str, fields: list[tuple[str, str]]) -> str:
    data = "\n".join(f"    {_php(name)} => {_php(value)}," for name, value in fields)
    return (
        "<?php\n"
        f"$ch = curl_init({_php(url)});\n"
        "curl_setopt($ch, CURLOPT_POST, true);\n"
        "curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query([\n"
        f"{data}\n"
        "]));\n"
        "curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);\n"
        "$answer = json_decode(curl_exec($ch), true);\n"
        "curl_close($ch);\n"
        "print_r($answer);"
    )


def _example_services(customer) -> dict[str, ExampleService]:
    """The customer's first service (in the Services page's order) of each type, so that the `add`
    examples can be tried as shown; none for a visitor (None), who sees placeholder ids."""
    found: dict[str, ExampleService] = {}
    if customer is None:
        return found
    for service_type, pk, name in services_for(customer).values_list("type", "pk", "name"):
        found.setdefault(service_type, ExampleService(pk, name))
    return found


def api_docs(*, url: str, customer, key: str | None = None) -> list[ActionDoc]:
    """Every action's forms, with examples calling `url` (the panel's own API address) with `key`
    (a key just made, on the one response that shows it), else with KEY's placeholder; `customer`
    None for a visitor."""
    services = _example_services(customer)
    docs = []
    for action in ACTIONS.values():
        form_docs = []
        for form in action.forms:
            fields = [("key", key or KEY.example), ("action", action.name)]
            service = services.get(form.service_type) if form.service_type is not None else None
            for param in form.params:
                if not param.required:
                    continue
                value = param.example
                if param.name == "service" and service is not None:
                    value = str(service.pk)
                fields.append((param.name, value))
            answer = json.dumps(with_currency(form.answer, settings.PANEL_CURRENCY), indent=2)
            form_docs.append(
                FormDoc(
                    form=form,
                    anchor=f"{action.name}-{form.slug}",
                    params=form.params,
                    examples=tuple(
                        Example(language, write(url, fields))
                        for language, write in zip(LANGUAGES, (curl, python, php), strict=True)
                    ),
                    service=service,
                    answer=answer,
                )
            )
        docs.append(ActionDoc(action, tuple(form_docs)))
    return docs
