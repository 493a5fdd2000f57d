"""`/services/` lists what API v2's `services` lists, at the caller's rates, filtered by category
(id or name) and type, in one query however many; a service that cannot be bought is a 404 with
the code of ordering it, `incorrect_service`."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Service, ServiceType
from orders.services.params import FIELDS
from tests.bulk import bulk_services
from tests.rest.conftest import error_of


def test_the_list_is_api_v2s_services_with_the_parameters_of_each_type(rest, client, reseller, catalog):
    listed = rest.get("services/").json()
    v2 = client.post("/api/v2", {"key": reseller.key, "action": "services"}).json()
    assert [service["id"] for service in listed] == [service["service"] for service in v2]
    for ours, theirs in zip(listed, v2, strict=True):
        assert ours["name"] == theirs["name"] and ours["type"] == theirs["type"]
        assert ours["rate"] == theirs["rate"]
        assert ours["category"]["name"] == theirs["category"]
        assert (ours["min"], ours["max"]) == (int(theirs["min"]), int(theirs["max"]))
        assert ours["dripfeed"] == theirs["dripfeed"]
        # Drip-feed's parameters only where it is offered (Service.offers_dripfeed).
        fields = [
            f for f in FIELDS[ServiceType(ours["type"])] if ours["dripfeed"] or f not in ("runs", "interval")
        ]
        assert [p["name"] for p in ours["parameters"]] == fields
    default = next(service for service in listed if service["type"] == ServiceType.DEFAULT)
    assert {"name": "runs", "required": False} in default["parameters"]
    assert {"name": "link", "required": True} in default["parameters"]


def test_rates_are_the_callers_own(rest, reseller, default_service, django_capture_on_commit_callbacks):
    before = Decimal(rest.get(f"services/{default_service.pk}/").json()["rate"])
    with django_capture_on_commit_callbacks(execute=True):  # as a commit would: the key's owner changed
        reseller.customer.discount_percent = Decimal("10")
        reseller.customer.save()
    after = Decimal(rest.get(f"services/{default_service.pk}/").json()["rate"])
    assert after < before


def test_filters_by_category_id_or_name_and_by_type(rest, catalog, default_service):
    category = default_service.category
    by_id = rest.get("services/", category=str(category.pk)).json()
    by_name = rest.get("services/", category=category.name.upper()).json()
    assert by_id == by_name and by_id
    assert {service["category"]["id"] for service in by_id} == {category.pk}
    packages = rest.get("services/", type="Package").json()
    assert packages and {service["type"] for service in packages} == {"Package"}
    both = rest.get("services/", type="Package", category=str(category.pk)).json()
    assert {s["id"] for s in both} == {s["id"] for s in packages} & {s["id"] for s in by_id}
    assert rest.get("services/", category="no such category").json() == []


def test_a_category_of_digits_other_than_0_to_9_is_a_name_not_an_id(rest, catalog):
    # str.isdigit() takes "²" (which int() refuses: a 500) and an Arabic-Indic 1 (int() reads 1).
    for category in ("\u00b2", "\u0661"):
        response = rest.get("services/", category=category)
        assert (response.status_code, response.json()) == (200, []), category


def test_a_type_that_does_not_exist_is_a_400_naming_it(rest, catalog):
    error = error_of(rest.get("services/", type="Followers"))
    assert error["code"] == "invalid_parameter" and error["field"] == "type"
    assert list(error["fields"]) == ["type"]


def test_a_disabled_or_unknown_service_is_a_404_with_the_code_of_ordering_it(rest, default_service, new_link):
    Service.objects.filter(pk=default_service.pk).update(enabled=False)
    for path in (f"services/{default_service.pk}/", "services/99999999/", "services/abc/"):
        response = rest.get(path)
        assert response.status_code == 404, path
        assert error_of(response) == {"code": "incorrect_service", "message": "Incorrect service ID"}
    ordered = rest.post("orders/", {"service": default_service.pk, "link": new_link(), "quantity": 100})
    assert ordered.status_code == 400
    assert error_of(ordered)["code"] == "incorrect_service"


def test_the_list_runs_the_same_queries_for_20_services_as_for_220(
    rest, catalog, provider, exact_query_count
):
    def count(**query) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            listed = rest.get("services/", **query).json()
        return len(captured.captured_queries), len(listed)

    few = count()
    extra = bulk_services(provider)
    assert few == (2, 20)  # the key, the catalog
    assert count() == (2, 220)
    assert count(category="More 1", type=extra[0].type) == (2, 20)
