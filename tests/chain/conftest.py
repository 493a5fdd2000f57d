"""Two live panels in a chain (issue #21): panel A sells the simulator's services, panel B sells A's.

A runs in processes of its own (gunicorn, a Celery worker) on a database of its own, created
afresh, with a filesystem broker in the test's folder; the test reads A's rows through a second
database alias. B is the test's own database, served by its own gunicorn and worker; the test
places B's orders through B's API v2 and runs B's poll rounds itself, and A's with A's
`manage.py poll_orders`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import psycopg
import pytest
from django.db import connection, connections

from benchmarks.processes import celery_worker_args, free_port, gunicorn_args
from catalog.services import catalog_sync
from provider.models import Provider
from provider.simulator import Simulator
from tests.conftest import child_database_url, child_environment

A = "panel_a"  # the database alias A's rows are read through
SETTINGS = "tests.chaos.worker_settings"  # the filesystem broker read every 50 ms (Redis: no change)
A_FUNDS = Decimal("500")  # what B's owner deposited at A
B_MARKUP = Decimal("50")  # B's markup over what A charges it

# Run by A's `manage.py shell`: the simulator as A's provider, its catalog, and B's owner as a
# reseller customer at A with funds and an API key (printed, the last line, as JSON).
_SET_UP_A = """
import json
from decimal import Decimal
from billing.services import ledger_deposit
from catalog.services import catalog_sync
from panel.apikeys import api_key_create
from panel.models import User
from provider.models import Provider
provider = Provider.objects.create(
    name="Provider simulator", api_url={url!r}, api_key={key!r}, honours_idempotency_keys=True
)
catalog_sync(provider=provider)
owner = User.objects.create_user(email="panel-b@example.com", password=None)
ledger_deposit(customer=owner, amount=Decimal({funds!r}), created_by=None, reason="panel B's funds")
print(json.dumps({{"customer": owner.pk, "key": api_key_create(customer=owner)[1]}}))
"""


@dataclass
class Chain:
    simulator: Simulator
    a_url: str  # A's site; its API v2 is at a_url + "/api/v2"
    a_customer_id: int  # B's owner, as A's customer
    b_url: str
    b_provider: Provider  # A, as B's provider
    a_env: dict[str, str]
    run: object  # run(name, args, env): a command to its end, its output returned

    def round_at_a(self) -> str:
        """One of A's poll rounds (cancels, refills, statuses, refill statuses), in A's processes."""
        return self.run("a-round", [sys.executable, "manage.py", "poll_orders"], self.a_env)


def _admin(config: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def panel_a_database(transactional_db) -> Iterator[str]:
    """A's database, dropped and created afresh (named after the test database), readable from
    the test as `.using(A)`; its DATABASE_URL."""
    config = connection.settings_dict
    name = f"{config['NAME']}_a"
    with _admin(config) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    # A connection made here, not named in settings.DATABASES: Django's test guard allows such
    # connections, and the test case's flush at the end never touches A.
    connections[A] = type(connections["default"])({**config, "NAME": name}, A)
    base, _, _ = child_database_url().rpartition("/")
    yield f"{base}/{name}"
    connections[A].close()
    del connections[A]


@pytest.fixture
def chain(panel_a_database, tmp_path, start_process) -> Iterator[Chain]:
    simulator = Simulator(
        "chain-sim-key", seed=11, time_scale=0, partial_share=0, cancel_share=0,
        balance=Decimal("100000"), honours_idempotency_keys=True,
    ).start()  # fmt: skip

    def run(name: str, args: list[str], env: dict[str, str]) -> str:
        child = start_process(name, args, env)
        if child.popen.wait(180) != 0:
            raise AssertionError(f"{name} failed:\n{child.output()[-4000:]}")
        return child.output()

    a_env = child_environment(
        DATABASE_URL=panel_a_database,
        DJANGO_SETTINGS_MODULE=SETTINGS,
        PANEL_BROKER_DIR=str(tmp_path / "a-broker"),
    )
    a_env.pop("REDIS_URL", None)  # A's broker and cache are its own, never B's
    run("a-migrate", [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], a_env)
    set_up = _SET_UP_A.format(url=simulator.url, key=simulator.key, funds=str(A_FUNDS))
    owner = json.loads(
        run("a-setup", [sys.executable, "manage.py", "shell", "-c", set_up], a_env).splitlines()[-1]
    )

    a_port, b_port = free_port(), free_port()
    a_web = start_process("a-web", gunicorn_args(a_port, "--workers", "1", "--threads", "4"), a_env)
    start_process("a-worker", celery_worker_args(concurrency=2, node="chain-a@%h"), a_env).wait_for_output(
        "ready.", 90
    )
    b_env = child_environment(DJANGO_SETTINGS_MODULE=SETTINGS)
    b_web = start_process("b-web", gunicorn_args(b_port, "--workers", "1", "--threads", "4"), b_env)
    start_process(
        "b-worker", [*celery_worker_args(concurrency=2, node="chain-b@%h"), "--purge"], b_env
    ).wait_for_output("ready.", 90)
    a_url, b_url = f"http://127.0.0.1:{a_port}", f"http://127.0.0.1:{b_port}"
    a_web.wait_until_serving(f"{a_url}/healthz")
    b_web.wait_until_serving(f"{b_url}/healthz")

    b_provider = Provider.objects.create(
        name="Panel A",
        api_url=f"{a_url}/api/v2",
        api_key=owner["key"],
        honours_idempotency_keys=True,
        default_markup_percent=B_MARKUP,
    )
    catalog_sync(provider=b_provider)
    try:
        yield Chain(simulator, a_url, owner["customer"], b_url, b_provider, a_env, run)
    finally:
        simulator.stop()
