"""Support tickets: customers with orders, signed in through the test client."""

from __future__ import annotations

import pytest

from panel.ratelimit import rate_limits_reset


@pytest.fixture(autouse=True)
def _fresh_limits():
    rate_limits_reset()
    yield
    rate_limits_reset()


@pytest.fixture
def signed_in(client):
    """signed_in(user): the test client, signed in as `user`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def open_ticket(signed_in):
    """open_ticket(customer, order, message=...): a ticket about `order` opened on the site."""

    def open_(customer, order, message="Please refill it", request="refill"):
        client = signed_in(customer)
        answer = client.post(
            "/support/new/",
            {"subject": "order", "request": request, "orders": str(order.pk), "message": message},
        )
        assert answer.status_code == 302, answer.content.decode()[:2000]
        return customer.tickets.get()

    return open_
