"""Orders against a live provider simulator: a provider row pointing at it, its catalog imported,
customers with money (orders are placed and sent by the root conftest's place_order and sent_order)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from panel.models import User
from provider.simulator import Faults
from tests.conftest import with_totp


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher costs a third of a second per account; these tests make dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def provider_read_timeout() -> Decimal:
    # Shorter than the 1.5 s the late-answer faults of these tests wait: the `add` times out.
    return Decimal("1")


@pytest.fixture
def set_faults(simulator):
    """set_faults(http_500=1.0, ...): the simulator misbehaves from now on; set_faults() heals it."""
    return lambda **faults: simulator.set_faults(Faults(seed=11, **faults))


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
        with_totp(user)
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
