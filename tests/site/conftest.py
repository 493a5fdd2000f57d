"""The customer site against a live provider simulator: its catalog imported, customers with money."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress

from billing.services import ledger_deposit
from catalog.models import Service, ServiceType
from orders.services.forwarding import order_submit
from orders.services.placing import order_place
from panel.models import User
from provider.models import Provider
from provider.simulator import Simulator

_emails = itertools.count(1)
_links = itertools.count(1)


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    with Simulator("site-sim-key", seed=5, time_scale=0, partial_share=0, cancel_share=0) as sim:
        yield sim


@pytest.fixture
def provider(db, simulator, settings) -> Provider:
    settings.PROVIDER_READ_TIMEOUT = Decimal("2")
    settings.PROVIDER_CONNECT_TIMEOUT = Decimal("2")
    return Provider.objects.create(name="Simulator", api_url=simulator.url, api_key=simulator.key)


@pytest.fixture
def refillable(catalog) -> Service:
    """A Default service with refill, cancel and drip-feed."""
    return Service.objects.get(name="Instagram Followers [Refill 30 days]")


@pytest.fixture
def make_customer(db):
    def make(funds: Decimal | str = "100") -> User:
        customer = User.objects.create_user(email=f"site{next(_emails)}@example.com", password="pw-12345-abc")
        EmailAddress.objects.create(user=customer, email=customer.email, verified=True, primary=True)
        if Decimal(funds) > 0:
            ledger_deposit(customer=customer, amount=Decimal(funds), created_by=None, reason="test funds")
        return customer

    return make


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
