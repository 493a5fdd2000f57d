"""Orders against a live provider simulator: a provider row pointing at it, its catalog imported,
customers with money."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from catalog.models import Service, ServiceType
from orders.models import Submission
from orders.services.forwarding import order_submit
from orders.services.placing import order_place
from panel.models import User
from provider.simulator import Faults

_links = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher costs a third of a second per account; these tests make dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def provider_read_timeout() -> Decimal:
    # Shorter than the 1.5 s the late-answer faults of these tests wait: the `add` times out.
    return Decimal("1")


@pytest.fixture
def default_service(catalog) -> Service:
    return catalog[ServiceType.DEFAULT]


@pytest.fixture
def new_link():
    return lambda: f"https://instagram.com/p/post{next(_links)}"


@pytest.fixture
def set_faults(simulator):
    """set_faults(http_500=1.0, ...): the simulator misbehaves from now on; set_faults() heals it."""
    return lambda **faults: simulator.set_faults(Faults(seed=11, **faults))


@pytest.fixture
def place_order(make_customer, default_service, new_link, django_capture_on_commit_callbacks):
    """place_order(customer=None, service=None, quantity=None): placed and charged, not sent.

    The on-commit submit task is dropped: a test sends the order itself when it wants it sent.
    """

    def place(customer: User | None = None, service: Service | None = None, quantity: int | None = None):
        service = service or default_service
        with django_capture_on_commit_callbacks(execute=False):
            return order_place(
                customer=customer or make_customer("1000"),
                service_id=service.pk,
                params={"link": new_link(), "quantity": str(quantity or service.min_quantity * 10)},
            )

    return place


@pytest.fixture
def sent_order(place_order):
    """sent_order(customer=None, service=None, quantity=None): placed and sent to the simulator."""

    def send(customer: User | None = None, service: Service | None = None, quantity: int | None = None):
        order = place_order(customer=customer, service=service, quantity=quantity)
        assert order_submit(order_id=order.pk) == Submission.SENT
        order.refresh_from_db()
        return order

    return send


@pytest.fixture
def eager_tasks(settings):
    """Celery tasks run in the caller, at `.delay()`, and their errors reach the test."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


_staff = itertools.count(1)


@pytest.fixture
def make_staff(db):
    """make_staff("orders.view_order", ...): a staff member with just these permissions."""

    def make(*permissions: str, superuser: bool = False) -> User:
        user = User.objects.create_user(
            email=f"staff{next(_staff)}@example.com", password="pw-12345-abc", is_staff=True
        )
        user.is_superuser = superuser
        user.save()
        for name in permissions:
            app_label, codename = name.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return user

    return make


@pytest.fixture
def resolver(make_staff) -> User:
    """Support staff who may see orders (their history and money too) and resolve them."""
    return make_staff(
        "orders.view_order", "orders.view_orderevent", "orders.resolve_order", "billing.view_ledgerentry"
    )
