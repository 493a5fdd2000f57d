"""A provider answer the sync cannot trust aborts it with a clear message and leaves every row as it was."""

from decimal import Decimal

import pytest

from catalog.models import Service
from catalog.services import CatalogSyncError, catalog_sync
from provider.simulator import Faults

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(provider, simulator):
    """The simulator's catalog imported, then changed at the provider (so a sync would change rows)."""
    catalog_sync(provider=provider)
    simulator.set_service(1, rate="5.00")
    simulator.remove_service(2)
    return provider


@pytest.mark.parametrize(
    ("fault", "message"),
    [("html", "an HTML page"), ("truncated_json", "broken or truncated JSON"), ("http_500", "HTTP 500")],
)
def test_a_garbled_answer_from_the_simulator_changes_nothing(
    imported, simulator, catalog_rows, fault, message
):
    simulator.set_faults(Faults(**{fault: 1.0}))
    before = catalog_rows()

    with pytest.raises(CatalogSyncError, match=message) as error:
        catalog_sync(provider=imported)

    assert "HonestSim: the service list could not be read, nothing changed" in str(error.value)
    assert catalog_rows() == before


def test_a_refusal_changes_nothing(imported, catalog_rows):
    imported.api_key = "a-wrong-key"
    before = catalog_rows()

    with pytest.raises(CatalogSyncError, match="Invalid API key"):
        catalog_sync(provider=imported)

    assert catalog_rows() == before


def test_an_unreachable_provider_changes_nothing(imported, catalog_rows, closed_port):
    imported.api_url = f"http://127.0.0.1:{closed_port}/api/v2"
    before = catalog_rows()

    with pytest.raises(CatalogSyncError, match="could not connect"):
        catalog_sync(provider=imported)

    assert catalog_rows() == before


@pytest.fixture
def scripted_imported(scripted, scripted_provider, offer):
    scripted.answer([offer(1), offer(2), offer(3)])
    catalog_sync(provider=scripted_provider)
    return scripted_provider


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(1, {}), (2, {"rate": "2.00"}), (2, {})], "service 2 is listed twice"),
        ([(1, {}), (2, {"min": "500", "max": "100"})], "service 2: min 500 is above max 100"),
        ([(1, {"rate": "-0.10"}), (2, {})], "service 1: rate -0.10 out of range"),
        ([(1, {"max": "99999999999"})], "service 1: min 10 / max 99999999999 out of range"),
        ([(0, {})], "service 0: the id is out of range"),
    ],
    ids=["duplicate id", "min above max", "negative rate", "huge max", "zero id"],
)
def test_a_list_with_impossible_rows_is_refused_whole(
    scripted, scripted_imported, catalog_rows, offer, rows, message
):
    scripted.answer([offer(service_id, **fields) for service_id, fields in rows])
    before = catalog_rows()

    with pytest.raises(CatalogSyncError, match=message) as error:
        catalog_sync(provider=scripted_imported)

    assert str(error.value).startswith("Scripted: refused the service list, nothing changed:")
    assert catalog_rows() == before


@pytest.mark.parametrize(
    "answer", [[], {"not": "a list"}, b"<html>Maintenance</html>", b'[{"service": 1, "na']
)
def test_an_empty_or_malformed_list_is_refused(scripted, scripted_imported, catalog_rows, answer):
    scripted.answer(answer)
    before = catalog_rows()

    with pytest.raises(CatalogSyncError, match="nothing changed"):
        catalog_sync(provider=scripted_imported)

    assert catalog_rows() == before


def test_a_service_of_a_type_we_cannot_sell_is_skipped_and_reported(scripted, scripted_provider, offer):
    scripted.answer([offer(1), offer(2, type="Custom Data"), offer(3, type="package")])

    result = catalog_sync(provider=scripted_provider)

    assert result.skipped == ["service 2 has type 'Custom Data', which we cannot sell"]
    assert "1 skipped: service 2 has type 'Custom Data'" in str(result)
    assert dict(Service.objects.values_list("provider_service_id", "type")) == {1: "Default", 3: "Package"}


def test_an_unreadable_entry_leaves_its_service_as_it_was_and_is_reported(
    scripted, scripted_imported, catalog_rows, offer
):
    # Service 2's entry cannot be read (its rate is not a number): it is neither repriced nor
    # dropped as if the provider had stopped listing it; the others sync, and the admin is told.
    service_2 = Service.objects.get(provider_service_id=2)
    scripted.answer([offer(1, rate="1.50"), offer(2, rate="n/a"), "not an object", offer(3)])

    result = catalog_sync(provider=scripted_imported)

    after = Service.objects.get(provider_service_id=2)
    assert (after.enabled, after.dropped_at, after.provider_rate, after.rate) == (
        service_2.enabled,
        None,
        service_2.provider_rate,
        service_2.rate,
    )
    assert Service.objects.get(provider_service_id=1).provider_rate == Decimal("1.50")
    assert result.dropped == 0 and result.listed == 4
    assert result.skipped == [
        "service 2: its entry could not be read (rate is not a number: 'n/a'); not changed",
        "an entry could not be read (a service is not an object)",
    ]
