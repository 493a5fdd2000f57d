"""Fixtures shared by every suite."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from benchmarks.processes import Child, celery_worker_args, environment
from panel import embedded_db
from provider.simulator import Simulator

ROOT = Path(__file__).resolve().parent.parent


def pytest_sessionfinish(session, exitstatus):
    # The session that started the embedded PostgreSQL stops it; one that found it running
    # (a `make run` beside it) leaves it alone.
    if getattr(settings, "EMBEDDED_DATABASE", False) and embedded_db.started_here:
        embedded_db.stop(settings.DATA_DIR)


@pytest.fixture
def simulator_seed() -> int:
    """The seed of `simulator` (it moves the catalog's rates and plans each order's outcome)."""
    return 3


@pytest.fixture
def simulator(simulator_seed) -> Iterator[Simulator]:
    """A simulator whose clock moves only with `advance()` and that ends no order Partial or
    Canceled unless a test says so."""
    with Simulator("test-sim-key", seed=simulator_seed, time_scale=0, partial_share=0, cancel_share=0) as sim:
        yield sim


@pytest.fixture
def provider_read_timeout() -> Decimal:
    """PROVIDER_READ_TIMEOUT while `provider` is in use; a suite whose faults wait less overrides it."""
    return Decimal("2")


@pytest.fixture
def provider(db, simulator, settings, provider_read_timeout):
    """A provider row pointing at `simulator`."""
    from provider.models import Provider

    settings.PROVIDER_READ_TIMEOUT = provider_read_timeout
    settings.PROVIDER_CONNECT_TIMEOUT = Decimal("2")
    return Provider.objects.create(name="Simulator", api_url=simulator.url, api_key=simulator.key)


@pytest.fixture
def catalog(provider) -> dict:
    """The first enabled service of each type, imported from the `provider` fixture (the root one
    unless the suite has its own)."""
    from catalog.models import Service
    from catalog.services import catalog_sync

    catalog_sync(provider=provider)
    services: dict = {}
    for service in Service.objects.filter(provider=provider, enabled=True).order_by("pk"):
        services.setdefault(service.type, service)
    return services


@pytest.fixture
def default_service(catalog):
    """Instagram Followers: refill, cancel and drip-feed."""
    from catalog.models import ServiceType

    return catalog[ServiceType.DEFAULT]


_links = itertools.count(1)


@pytest.fixture
def new_link():
    return lambda: f"https://instagram.com/p/post{next(_links)}"


@pytest.fixture
def place_order(make_customer, default_service, new_link, django_capture_on_commit_callbacks):
    """place_order(customer=None, service=None, quantity=None): placed and charged, not sent.

    The on-commit submit task is dropped: a test sends the order itself when it wants it sent.
    """
    from orders.services.placing import order_place

    def place(customer=None, service=None, quantity: int | None = None):
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
    from orders.models import Submission
    from orders.services.forwarding import order_submit

    def send(customer=None, service=None, quantity: int | None = None):
        order = place_order(customer=customer, service=service, quantity=quantity)
        assert order_submit(order_id=order.pk) == Submission.SENT
        order.refresh_from_db()
        return order

    return send


@pytest.fixture
def completed_order(sent_order, simulator, provider):
    """completed_order(customer=None, service=None): sent (by the suite's `sent_order`, this one's
    unless the suite has its own), completed at the simulator, and polled."""
    from orders.services.polling import orders_poll
    from provider.statuses import OrderStatus

    def complete(customer=None, service=None):
        order = sent_order(customer=customer, service=service)
        simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED)
        orders_poll(provider=provider)
        order.refresh_from_db()
        assert order.status == OrderStatus.COMPLETED
        return order

    return complete


@pytest.fixture
def finished_order(place_order, make_customer):
    """finished_order(service, took, ago=0, status=Completed, quantity=None): an order of `service`
    placed `took` (a timedelta) before it ended, `ago` hours ago: its times as polling leaves them."""
    from django.utils import timezone

    from orders.models import Order, Submission
    from provider.statuses import OrderStatus

    customer = make_customer("10000")

    def make(service, took, ago: float = 0, status=OrderStatus.COMPLETED, quantity: int | None = None):
        order = place_order(customer=customer, service=service)
        ended = timezone.now() - timedelta(hours=ago)
        Order.objects.filter(pk=order.pk).update(
            status=status,
            submission=Submission.SENT,
            created_at=ended - took,
            completed_at=ended if status == OrderStatus.COMPLETED else None,
            quantity=quantity or order.quantity,
        )
        return order

    return make


@pytest.fixture
def manual_service(default_service):
    """A service staff deliver by hand: priced as the simulator's (its currency factor), 2.00 per 1000."""
    from catalog.models import PriceChange, Service
    from catalog.services import service_reprice

    service = Service.objects.create(
        provider=default_service.provider,
        manual=True,
        category=default_service.category,
        name="Hand-picked followers",
        provider_rate=Decimal("1"),
        fixed_rate=Decimal("2"),
        min_quantity=10,
        max_quantity=10000,
        cancel=True,
    )
    service_reprice(service=service, cause=PriceChange.STAFF, by=None)
    return service


@pytest.fixture
def manual_order(place_order, manual_service):
    """manual_order(quantity=1000): placed on `manual_service`, charged, in the staff's queue."""
    return lambda quantity=1000: place_order(service=manual_service, quantity=quantity)


_emails = itertools.count(1)
# Every test customer's password (password hashing is a fast one in tests/settings.py).
PASSWORD = "pw-12345-abc"


@pytest.fixture
def make_customer(db):
    """make_customer(funds="100"): a customer with a confirmed e-mail address (so it can sign in)
    and `funds` deposited through the ledger."""
    from allauth.account.models import EmailAddress

    from billing.services import ledger_deposit
    from panel.models import User

    def make(funds: Decimal | str = "100"):
        customer = User.objects.create_user(email=f"customer{next(_emails)}@example.com", password=PASSWORD)
        EmailAddress.objects.create(user=customer, email=customer.email, verified=True, primary=True)
        if Decimal(funds) > 0:
            ledger_deposit(customer=customer, amount=Decimal(funds), created_by=None, reason="test funds")
        return customer

    return make


@pytest.fixture
def wants():
    """wants(customer, completed=..., partial=..., canceled=..., payment=..., below=None): the
    customer's choice of e-mails, saved as the Account page saves it."""

    from notifications.services import preferences_update

    def choose(customer, *, completed=False, partial=False, canceled=False, payment=False, below=None):
        return preferences_update(
            customer_id=customer.pk,
            order_completed=completed,
            order_partial=partial,
            order_canceled=canceled,
            payment_credited=payment,
            low_balance_below=below,
        )

    return choose


@pytest.fixture
def make_reseller(make_customer):
    """make_reseller(funds="100"): a customer with `funds` and an API key, as a
    tests.reseller_apis.Reseller (the customer and the key in clear)."""
    from panel.apikeys import api_key_create
    from tests.reseller_apis import Reseller

    def make(funds: Decimal | str = "100") -> Reseller:
        customer = make_customer(funds)
        _, key = api_key_create(customer=customer)
        return Reseller(customer, key)

    return make


@pytest.fixture
def reseller(make_reseller):
    return make_reseller("100")


@pytest.fixture
def make_staff_with_role(db):
    """make_staff_with_role(panel.roles.FINANCE): a staff member in that role's group and no other,
    with an authenticator app (staff reach the admin only with a second factor)."""
    from django.contrib.auth.models import Group

    from panel.models import User

    def make(role: str):
        member = User.objects.create_user(
            email=f"{role.lower()}{next(_emails)}@example.com", password=PASSWORD, is_staff=True
        )
        member.groups.add(Group.objects.get(name=role))
        return with_totp(member)

    return make


@pytest.fixture
def customer(django_user_model):
    return django_user_model.objects.create_user(email="customer@example.com", password="correct-horse-42")


def with_totp(user):
    """`user` with an authenticator app activated: staff reach the admin only with a second factor
    (STAFF_REQUIRE_2FA), and force_login skips the step that would ask for its code."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


def totp_code(user) -> str:
    """The code `user`'s authenticator app shows now."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    data = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data
    return format_hotp_value(hotp_value(get_adapter().decrypt(data["secret"]), int(time.time()) // 30))


@pytest.fixture
def admin_user(django_user_model):
    return with_totp(
        django_user_model.objects.create_superuser(email="admin@example.com", password="correct-horse-42")
    )


# --- Real processes: a Celery worker and beat on the test database ---------------------------


def child_database_url() -> str:
    """A DATABASE_URL naming the database this test runs on (the test database)."""
    from django.db import connection

    config = connection.settings_dict
    auth = quote(config["USER"] or "", safe="")
    if config["PASSWORD"]:
        auth += ":" + quote(config["PASSWORD"], safe="")
    host = quote(config["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{auth}@{host}:{config['PORT'] or 5432}/{config['NAME']}"


def child_environment(**extra: str) -> dict[str, str]:
    """A child's environment on the test database and test settings; `extra` wins over both."""
    return environment(
        **{"DATABASE_URL": child_database_url(), "DJANGO_SETTINGS_MODULE": "tests.settings", **extra}
    )


@pytest.fixture
def start_process(tmp_path):
    """start_process(name, args, env=child_environment()): a child process, stopped at the end of the test."""
    started: list[Child] = []

    def start(name: str, args: list[str], env: dict[str, str] | None = None) -> Child:
        process = Child(name, args, log_dir=tmp_path, env=env or child_environment())
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop()


@pytest.fixture
def celery_worker(transactional_db, start_process):
    """A real Celery worker (two prefork processes) consuming the test broker, on the test database."""
    worker = start_process("worker", celery_worker_args(concurrency=2, node=f"test-{os.getpid()}@%h"))
    worker.wait_for_output("ready.", timeout=60)
    return worker


@pytest.fixture
def eager_tasks(settings):
    """Celery tasks run in the caller, at `.delay()` (a placed order is sent when it commits; in a
    live server, in its request), and their errors reach the test."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


@pytest.fixture
def limits_clock(monkeypatch):
    """The clock the request limits read (time.time: the `limits` library's storages take it),
    frozen 15 s into a minute; `limits_clock.now += 30` moves it. Patched for the whole process,
    so that a test never waits out a minute."""

    class Clock:
        now = 1_800_000_015.0

    monkeypatch.setattr(time, "time", lambda: Clock.now)
    return Clock
