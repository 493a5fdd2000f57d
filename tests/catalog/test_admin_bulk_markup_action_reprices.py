from decimal import Decimal

import pytest

from catalog.models import PriceHistory, Service

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/service/"


@pytest.fixture
def services(make_service):
    return [
        make_service(provider_rate="0.90"),
        make_service(provider_rate="2.00"),
        make_service(provider_rate="1"),
    ]


def test_the_set_markup_action_asks_for_the_markup_first(admin_client, services):
    response = admin_client.post(CHANGELIST, {"action": "set_markup", "_selected_action": [services[0].pk]})

    assert response.status_code == 200
    assert b"Set markup %" in response.content
    assert b'name="markup_percent"' in response.content
    assert Service.objects.get(pk=services[0].pk).markup_percent is None


def test_setting_a_markup_on_selected_services_reprices_them_and_only_them(admin_client, services):
    chosen = [services[0].pk, services[1].pk]

    response = admin_client.post(
        CHANGELIST, {"action": "set_markup", "_selected_action": chosen, "apply": "1", "markup_percent": "50"}
    )

    assert response.status_code == 302
    rates = dict(Service.objects.values_list("pk", "rate"))
    assert rates == {
        services[0].pk: Decimal("1.35"),
        services[1].pk: Decimal("3.00"),
        services[2].pk: Decimal("1.30"),
    }
    assert PriceHistory.objects.filter(service_id__in=chosen, rate__in=["1.35", "3.00"]).count() == 2
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Markup set to 50%; 2 service prices changed."]


def test_setting_a_markup_across_all_pages_reprices_every_service(admin_client, services):
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "set_markup",
            "_selected_action": [services[0].pk],
            "select_across": "1",
            "apply": "1",
            "markup_percent": "10",
        },
    )

    assert response.status_code == 302
    assert set(Service.objects.values_list("markup_percent", flat=True)) == {Decimal("10")}


def test_clearing_the_markup_lets_the_services_inherit_again(admin_client, services):
    Service.objects.update(markup_percent=Decimal("80"))

    admin_client.post(
        CHANGELIST,
        {"action": "set_markup", "_selected_action": [services[0].pk], "apply": "1", "markup_percent": ""},
    )

    assert Service.objects.get(pk=services[0].pk).markup_percent is None
    assert Service.objects.get(pk=services[0].pk).rate == Decimal("1.17")


def test_a_fixed_rate_survives_a_bulk_markup_unless_cleared(admin_client, services):
    Service.objects.filter(pk=services[0].pk).update(fixed_rate=Decimal("5"), rate=Decimal("5"))
    post = {
        "action": "set_markup",
        "_selected_action": [services[0].pk],
        "apply": "1",
        "markup_percent": "50",
    }

    admin_client.post(CHANGELIST, post)
    assert Service.objects.get(pk=services[0].pk).rate == Decimal("5")

    admin_client.post(CHANGELIST, {**post, "clear_fixed_rate": "on"})
    assert Service.objects.get(pk=services[0].pk).rate == Decimal("1.35")
