"""The customer site against a live provider simulator: its catalog imported, customers with money."""

from __future__ import annotations

import itertools

import pytest

from catalog.models import Service, ServiceType
from orders.services.forwarding import order_submit
from orders.services.placing import order_place
from panel.models import User

_links = itertools.count(1)


@pytest.fixture
def refillable(catalog) -> Service:
    """A Default service with refill, cancel and drip-feed."""
    return Service.objects.get(name="Instagram Followers [Refill 30 days]")


@pytest.fixture
def new_link():
    return lambda: f"https://instagram.com/p/site{next(_links)}"


@pytest.fixture
def place(new_link, django_capture_on_commit_callbacks):
    """place(customer, service, quantity=None, send=False, **params): an order, queued or sent."""

    def place_order(
        customer: User, service: Service, quantity: int | None = None, send: bool = False, **params
    ):
        raw = {"link": new_link(), **params}
        if ServiceType(service.type) == ServiceType.DEFAULT:
            raw.setdefault("quantity", str(quantity or service.min_quantity * 2))
        with django_capture_on_commit_callbacks(execute=False):
            order = order_place(customer=customer, service_id=service.pk, params=raw)
        if send:
            order_submit(order_id=order.pk)
            order.refresh_from_db()
        return order

    return place_order


@pytest.fixture
def logged_in(client):
    """logged_in(customer): the test client, signed in as `customer`."""

    def login(customer: User):
        client.force_login(customer)
        return client

    return login


# The test gateway's server, as the payments suites run it (tests/payments/conftest.py).
from tests.payments.conftest import test_gateway  # noqa: E402, F401
