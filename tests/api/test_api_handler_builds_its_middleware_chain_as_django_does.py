"""panel.api.wsgi.ApiHandler.load_middleware is a synchronous copy of Django's private
BaseHandler.load_middleware reading settings.API_MIDDLEWARE: built from the same list, the two
must give the same chain (the same middleware, in the same order, each wrapped the same way) and
the same view, template-response and exception middleware. A Django upgrade that changes how
Django builds its stack fails here, and the copy is brought up to date.

That a request through the ApiHandler gets the API middleware's headers is tested in
test_api_v2_takes_a_lean_middleware_stack.py (test_the_api_answers_with_security_headers_and_...).
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings

from panel.api.wsgi import ApiHandler


def described(thing: Any) -> str:
    """A middleware, a middleware's method or the handler's `_get_response`, by the code it runs
    (the instances differ between two handlers)."""
    if inspect.ismethod(thing):
        owner = thing.__self__
        if isinstance(owner, BaseHandler):  # the handler's own, the same for either handler
            return thing.__func__.__qualname__
        return f"{type(owner).__module__}.{type(owner).__qualname__}.{thing.__func__.__name__}"
    if inspect.isfunction(thing):
        return f"{thing.__module__}.{thing.__qualname__}"
    return f"{type(thing).__module__}.{type(thing).__qualname__}"


def next_of(layer: Any) -> Any:
    """What a middleware calls on: `get_response`, an attribute or (a function middleware's) closure."""
    if inspect.isfunction(layer):
        return inspect.getclosurevars(layer).nonlocals["get_response"]
    return layer.get_response


def chain_of(handler: BaseHandler) -> list[tuple[str, str]]:
    """The handler's middleware chain, outermost first: each level as (its wrapper, what it wraps),
    down to the handler's `_get_response`."""
    levels = []
    level = handler._middleware_chain
    while True:
        wrapped = getattr(level, "__wrapped__", None)
        # A wrapper by its code: functools.wraps gives it the qualname of what it wraps.
        wrapper = described(level) if wrapped is None else level.__code__.co_qualname
        levels.append((wrapper, described(wrapped or level)))
        inner = wrapped or level
        if inspect.ismethod(inner) and inner.__func__ is BaseHandler._get_response:
            return levels
        level = next_of(inner)


def methods(bound: list) -> list[str]:
    return [described(method) for method in bound]


def handlers(middleware: list[str]) -> tuple[BaseHandler, ApiHandler]:
    """Django's handler and an ApiHandler, each built from `middleware`."""
    with override_settings(MIDDLEWARE=middleware, API_MIDDLEWARE=middleware):
        return WSGIHandler(), ApiHandler()  # their __init__ runs load_middleware


# The API's stack is the one that matters; the site's has view, template-response and exception
# middleware, and so tries those lists too.
STACKS = pytest.mark.parametrize("stack", ["API_MIDDLEWARE", "MIDDLEWARE"])


@STACKS
def test_the_chain_is_djangos(stack):
    django, api = handlers(getattr(settings, stack))

    assert chain_of(api) == chain_of(django)


def test_the_api_chain_is_the_api_middleware_in_order_each_behind_the_exception_conversion():
    layers = chain_of(ApiHandler())

    assert len(layers) == len(settings.API_MIDDLEWARE) + 1
    for (wrapper, layer), path in zip(layers, settings.API_MIDDLEWARE, strict=False):
        assert wrapper == "convert_exception_to_response.<locals>.inner"
        assert layer.startswith(path), (layer, path)
    assert layers[-1] == ("convert_exception_to_response.<locals>.inner", "BaseHandler._get_response")


@STACKS
def test_the_view_template_response_and_exception_middleware_are_djangos(stack):
    django, api = handlers(getattr(settings, stack))

    assert methods(api._view_middleware) == methods(django._view_middleware)
    assert methods(api._template_response_middleware) == methods(django._template_response_middleware)
    assert methods(api._exception_middleware) == methods(django._exception_middleware)


def test_the_comparison_tells_two_stacks_apart():
    site, api = WSGIHandler(), ApiHandler()

    assert chain_of(site) != chain_of(api)
    assert methods(site._view_middleware) != methods(api._view_middleware) == []
