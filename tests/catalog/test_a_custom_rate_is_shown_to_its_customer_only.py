"""A custom rate is what its customer sees on the new-order page, the price list, API v2's
`services` and the REST API's services; another customer sees the normal rate everywhere."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from catalog.models import CustomRate

pytestmark = pytest.mark.django_db

CUSTOM = Decimal("0.95")


@pytest.fixture(autouse=True)
def _no_limits_left_over():
    cache.clear()  # API limits count in the cache


@pytest.fixture
def favoured(make_reseller, default_service):
    reseller = make_reseller("100")
    CustomRate.objects.create(customer=reseller.customer, service=default_service, fixed_rate=CUSTOM)
    return reseller


def _page_rates(client, reseller, service) -> tuple[Decimal, Decimal]:
    client.force_login(reseller.customer)
    new_order = client.get("/orders/new/", {"service": service.pk})
    price_list = client.get("/services/")
    listed = {row.service.pk: row.rate for group in price_list.context["groups"] for row in group.services}
    client.logout()
    return new_order.context["picker"].rate, listed[service.pk]


def _api_rates(client, reseller, service) -> tuple[Decimal, Decimal]:
    v2 = client.post("/api/v2", {"key": reseller.key, "action": "services"}).json()
    rest = client.get("/api/rest/services/", headers={"Authorization": f"Bearer {reseller.key}"}).json()
    return (
        Decimal(next(row["rate"] for row in v2 if row["service"] == service.pk)),
        Decimal(next(row["rate"] for row in rest if row["id"] == service.pk)),
    )


def test_the_customer_sees_their_custom_rate_on_every_page_and_api(client, favoured, default_service):
    assert _page_rates(client, favoured, default_service) == (CUSTOM, CUSTOM)
    assert _api_rates(client, favoured, default_service) == (CUSTOM, CUSTOM)


def test_another_customer_sees_the_normal_rate(client, favoured, make_reseller, default_service):
    other = make_reseller("100")
    normal = default_service.rate
    assert normal != CUSTOM

    assert _page_rates(client, other, default_service) == (normal, normal)
    assert _api_rates(client, other, default_service) == (normal, normal)
