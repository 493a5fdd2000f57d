"""One `add` through API v2 is a fixed, short list of SQL statements; benchmarks/intake.py measures
what each costs (an ORM query compiled per call cost about 1 ms of CPU; a statement, a round trip).

The key (one query); the service, with its provider's currency factor and the customer's discount
(one); the blocklist (one, fraud.services.blocklist_match); then one transaction: the (service,
link) lock, the order with its event and the duplicate-link check (one statement), the charge:
debit and ledger entry (one statement, in a savepoint). Here the test's own transaction makes
order_place's transaction a savepoint as well; in production that is BEGIN and COMMIT."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import EntryKind, LedgerEntry
from orders.models import Order, OrderEvent
from tests.reseller_apis import valid_add_params


def test_add_runs_the_key_the_service_the_lock_the_order_and_the_charge(
    api, reseller, default_service, new_link, exact_query_count
):
    params = {"key": reseller.key, "action": "add", "service": str(default_service.pk)}
    with CaptureQueriesContext(connection) as captured:
        answer = api({**params, **valid_add_params(default_service, new_link())}).json()

    order = Order.objects.get(pk=answer["order"])
    statements = [query["sql"].split()[0].upper() for query in captured.captured_queries]
    assert statements == [
        "SELECT",  # the key and its customer
        "SELECT",  # the service, its provider's currency factor, the customer's discount
        "SELECT",  # the blocklist: the customer's e-mail and domain, the caller's address, the link
        "SAVEPOINT",  # order_place's transaction (BEGIN in production)
        "SELECT",  # pg_advisory_xact_lock on (service, link)
        "WITH",  # the order, its first event, unless the link has an active order
        "SAVEPOINT",  # ledger_charge's
        "WITH",  # the debit and the charge entry
        "RELEASE",
        "RELEASE",  # (COMMIT in production)
    ]
    assert OrderEvent.objects.filter(order=order).count() == 1
    entry = LedgerEntry.objects.get(order=order, kind=EntryKind.CHARGE)
    assert entry.amount == -order.charge


def test_a_refused_add_stops_after_the_service(api, reseller, default_service, new_link, exact_query_count):
    params = {"key": reseller.key, "action": "add", "service": str(default_service.pk)}
    too_few = {**valid_add_params(default_service, new_link()), "quantity": "1"}
    with CaptureQueriesContext(connection) as captured:
        answer = api({**params, **too_few}).json()
    assert "error" in answer
    assert len(captured.captured_queries) == 2  # the key, the service
