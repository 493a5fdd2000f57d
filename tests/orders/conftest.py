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


@pytest.fixture
def backup_simulator():
    """A second provider's simulator, as `simulator` is (another seed, so other rates)."""
    from provider.simulator import Simulator

    with Simulator("backup-sim-key", seed=5, time_scale=0, partial_share=0, cancel_share=0) as sim:
        yield sim


@pytest.fixture
def backup_provider(db, backup_simulator):
    """A provider row pointing at `backup_simulator`, whose currency is worth 1.5 of ours."""
    from provider.models import Provider

    return Provider.objects.create(
        name="Backup",
        api_url=backup_simulator.url,
        api_key=backup_simulator.key,
        currency_factor=Decimal("1.5"),
    )


@pytest.fixture
def backup_service(default_service, backup_provider):
    """The backup provider's Default service, set as `default_service`'s backup."""
    from catalog.models import Service, ServiceType
    from catalog.services import catalog_sync

    catalog_sync(provider=backup_provider)
    backup = Service.objects.filter(provider=backup_provider, type=ServiceType.DEFAULT, enabled=True).first()
    default_service.backup_service = backup
    default_service.full_clean()
    default_service.save(update_fields=["backup_service"])
    return backup
