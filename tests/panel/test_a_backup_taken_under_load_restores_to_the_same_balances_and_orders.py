"""`manage.py backup` and `restore`: a dump taken while orders come in restores, into a new database,
to books that balance; taken at rest, to exactly the same balances and orders. A restore never goes
into a database that has tables."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command

from panel.backups import _connect as backups_connect
from panel.backups import database_backup
from panel.env import Env
from tests.conftest import child_database_url
from tests.racing import race


def _connect(database_url: str, *, server: bool = False) -> psycopg.Connection:
    """A connection to the database at `database_url`, or with `server` to its server's `postgres`
    database in autocommit (to create and drop databases), as the backup commands connect."""
    config = Env({"DATABASE_URL": database_url}).database()
    connection = backups_connect({**config, "NAME": "postgres"} if server else config)
    connection.autocommit = server
    return connection


def _books(database_url: str) -> tuple[dict, dict, dict]:
    """(balances, orders, ledger entries) of the database at `database_url`, read with psycopg."""
    with _connect(database_url) as connection:
        balances = dict(connection.execute("SELECT customer_id, amount FROM billing_balance").fetchall())
        orders = {
            row[0]: row[1:]
            for row in connection.execute("SELECT id, customer_id, charge, link FROM orders_order")
        }
        entries = {
            row[0]: row[1:]
            for row in connection.execute("SELECT id, customer_id, kind, amount FROM billing_ledgerentry")
        }
    return balances, orders, entries


@pytest.fixture
def new_database():
    """new_database(): the URL of a new, empty database on the test's server, dropped at the end."""
    source = child_database_url()
    made: list[str] = []

    def make() -> str:
        name = f"restored_{os.getpid()}_{len(made)}"
        with _connect(source, server=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return source.rsplit("/", 1)[0] + "/" + name

    yield make
    with _connect(source, server=True) as connection:
        for name in made:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_under_load_restores_to_books_that_balance_and_at_rest_to_the_same_ones(
    make_customer, default_service, new_link, eager_tasks, new_database, tmp_path
):
    from orders.services.placing import order_place

    customers = [make_customer("1000") for _ in range(4)]
    placed = threading.Semaphore(0)
    stop = threading.Event()
    backups: list[Path] = []

    def keep_ordering(customer) -> int:
        count = 0
        while not stop.is_set() and count < 200:
            order_place(
                customer=customer,
                service_id=default_service.pk,
                params={"link": new_link(), "quantity": str(default_service.min_quantity)},
            )
            count += 1
            placed.release()
        return count

    def back_up_meanwhile() -> str:
        for _ in range(12):  # the dump starts with orders already coming in
            placed.acquire(timeout=30)
        try:
            backups.append(database_backup(directory=tmp_path, database_url=child_database_url()).path)
            for _ in range(8):  # and orders still come in after it
                placed.acquire(timeout=30)
        finally:
            stop.set()
        return "backed up"

    outcomes = race([*(lambda c=c: keep_ordering(c) for c in customers), back_up_meanwhile])
    assert "backed up" in outcomes and all(isinstance(n, int) for n in outcomes if n != "backed up")

    under_load = new_database()
    call_command("restore", str(backups[0]), database_url=under_load)  # raises unless the audit is clean
    balances, orders, entries = _books(under_load)
    live_balances, live_orders, live_entries = _books(child_database_url())
    # One snapshot: part of the load, every order with its charge, nothing the live books lack.
    assert 12 <= len(orders) < len(live_orders)
    assert all(live_orders[pk] == row for pk, row in orders.items())
    assert all(live_entries[pk] == row for pk, row in entries.items())
    assert set(balances) == set(live_balances)

    at_rest = new_database()
    call_command("backup", directory=tmp_path / "rest", keep=1)
    (dump,) = (tmp_path / "rest").glob("panel-*.dump")
    call_command("restore", str(dump), database_url=at_rest)
    assert _books(at_rest) == (live_balances, live_orders, live_entries)


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_a_database_that_has_tables_is_refused_and_changes_nothing(
    make_customer, new_database, tmp_path
):
    make_customer("25")
    backup = database_backup(directory=tmp_path, database_url=child_database_url())
    before = _books(child_database_url())
    with pytest.raises(CommandError, match="already has tables: restore into a new, empty database"):
        call_command("restore", str(backup.path), database_url=child_database_url())
    assert _books(child_database_url()) == before
    with pytest.raises(CommandError, match="no backup at"):
        call_command("restore", str(tmp_path / "missing.dump"), database_url=new_database())


@pytest.mark.django_db(transaction=True)
def test_backup_keeps_the_newest_dumps_it_is_told_to(tmp_path):
    for _ in range(3):
        call_command("backup", directory=tmp_path, keep=2)
    assert len(list(tmp_path.glob("panel-*.dump"))) == 2
    assert list(tmp_path.glob("*.partial")) == []
    with pytest.raises(CommandError, match="--keep must be 1 or more"):
        call_command("backup", directory=tmp_path, keep=0)


def _server_major() -> int:
    from django.db import connection

    connection.ensure_connection()
    return connection.connection.info.server_version // 10000


@pytest.mark.django_db(transaction=True)
def test_a_restore_with_a_newer_client_that_fails_names_the_client_to_install_and_leaves_nothing(
    make_customer, new_database, tmp_path, monkeypatch
):
    if _server_major() >= 17:
        pytest.skip("needs a server older than the wheel's pg_restore 18 (.ci/run's PostgreSQL 15 pass)")
    make_customer("25")
    backup = database_backup(directory=tmp_path, database_url=child_database_url())
    target = new_database()
    monkeypatch.setattr("panel.backups.shutil.which", lambda name: None)  # only the wheel's 18 is left
    with pytest.raises(CommandError, match=r"pg_restore 18 on PostgreSQL 1\d: install postgresql-client-1\d"):
        call_command("restore", str(backup.path), database_url=target)
    assert _tables(target) == []  # one transaction: nothing half restored


def _tables(database_url: str) -> list:
    with _connect(database_url) as c:
        return c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
