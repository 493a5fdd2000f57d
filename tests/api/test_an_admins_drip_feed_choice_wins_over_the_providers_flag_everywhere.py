"""Drip-feed per service (HonestSMM's `services` has no `dripfeed`): an admin turns it on or off on
the service's page or in bulk, and the new-order form, the price list, API v2 `services` and
`add`, and the REST API all follow that choice; cleared, the provider's flag applies again."""

import pytest

from catalog.models import Service
from orders.models import Order

CHANGELIST = "/admin/catalog/service/"


@pytest.fixture
def no_drip(catalog):
    """Instagram Followers [No refill]: the provider offers no drip-feed for it."""
    service = Service.objects.get(name="Instagram Followers [No refill]")
    assert not service.dripfeed and service.dripfeed_override is None
    return service


def _listed(api, reseller, service) -> bool:
    [entry] = [
        s for s in api({"key": reseller.key, "action": "services"}).json() if s["service"] == service.pk
    ]
    return entry["dripfeed"]


def _rest_listed(client, reseller, service) -> bool:
    answer = client.get(
        f"/api/rest/services/{service.pk}/", headers={"Authorization": f"Bearer {reseller.key}"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert ("runs" in [p["name"] for p in body["parameters"]]) == body["dripfeed"]
    return body["dripfeed"]


def _drip_add(api, reseller, service, link):
    return api(
        {"key": reseller.key, "action": "add", "service": service.pk, "link": link, "quantity": "100"}
        | {"runs": "2", "interval": "10"}
    ).json()


def test_turned_on_by_an_admin_it_is_offered_and_ordered_everywhere(
    admin_client, client, api, reseller, no_drip, new_link
):
    assert not _listed(api, reseller, no_drip)
    assert "error" in _drip_add(api, reseller, no_drip, new_link())

    page = admin_client.get(f"{CHANGELIST}{no_drip.pk}/change/").content.decode()
    assert 'name="dripfeed_override"' in page
    admin_client.post(CHANGELIST, {"action": "dripfeed_on", "_selected_action": [no_drip.pk]})

    assert Service.objects.get(pk=no_drip.pk).offers_dripfeed
    assert _listed(api, reseller, no_drip) and _rest_listed(client, reseller, no_drip)
    answer = _drip_add(api, reseller, no_drip, new_link())
    order = Order.objects.get(pk=answer["order"])
    assert (order.quantity, order.params["runs"], order.params["interval"]) == (200, 2, 10)

    client.force_login(reseller.customer)
    form = client.get("/orders/new/", {"service": no_drip.pk}).content.decode()
    assert 'name="runs"' in form and 'name="interval"' in form
    prices = client.get("/services/").content.decode()
    row = prices[prices.index(f'data-service="{no_drip.pk}"') :]
    assert "Drip-feed" in row[: row.index("</tr>")]


def test_turned_off_by_an_admin_orders_with_runs_are_refused(
    admin_client, client, api, reseller, default_service, new_link
):
    assert default_service.dripfeed and _listed(api, reseller, default_service)

    admin_client.post(CHANGELIST, {"action": "dripfeed_off", "_selected_action": [default_service.pk]})

    assert not _listed(api, reseller, default_service) and not _rest_listed(client, reseller, default_service)
    before = Order.objects.count()
    answer = _drip_add(api, reseller, default_service, new_link())
    assert "drip-feed" in answer["error"] and Order.objects.count() == before
    client.force_login(reseller.customer)
    assert 'name="runs"' not in client.get("/orders/new/", {"service": default_service.pk}).content.decode()

    admin_client.post(
        CHANGELIST, {"action": "dripfeed_follow_provider", "_selected_action": [default_service.pk]}
    )
    assert Service.objects.get(pk=default_service.pk).dripfeed_override is None
    assert _listed(api, reseller, default_service)


def test_the_service_page_saves_the_choice_and_the_list_says_whose_it_is(admin_client, no_drip):
    page = admin_client.get(f"{CHANGELIST}{no_drip.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None}
    data |= {"dripfeed_override": "true", "price_history-TOTAL_FORMS": 0, "price_history-INITIAL_FORMS": 0}
    data |= {"custom_rates-TOTAL_FORMS": 0, "custom_rates-INITIAL_FORMS": 0}
    saved = admin_client.post(f"{CHANGELIST}{no_drip.pk}/change/", data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved

    assert Service.objects.get(pk=no_drip.pk).dripfeed_override is True
    listed = admin_client.get(CHANGELIST, {"q": str(no_drip.pk)}).content.decode()
    assert "yes (set here)" in listed
