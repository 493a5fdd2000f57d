"""Custom rates are set in the admin, inline on the customer's page and on the service's; a
fixed rate below the service's cost, or both a fixed rate and a markup, are refused."""

from decimal import Decimal

import pytest

from catalog.models import CustomRate

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_row(form_data):
    """with_row(page, fields): the change form's data as shown, plus one new custom rate row."""

    def data(page, fields: dict) -> dict:
        values = form_data(page)
        number = int(values["custom_rates-INITIAL_FORMS"])
        values["custom_rates-TOTAL_FORMS"] = number + 1
        values.update({f"custom_rates-{number}-{name}": value for name, value in fields.items()})
        return values

    return data


@pytest.fixture
def service(make_service):
    return make_service(provider_rate="1.00")  # cost 1.00, our rate 1.30


def test_a_custom_rate_is_added_on_the_services_page(admin_client, service, customer, with_row):
    url = f"/admin/catalog/service/{service.pk}/change/"
    page = admin_client.get(url)

    response = admin_client.post(url, with_row(page, {"customer": customer.pk, "fixed_rate": "1.10"}))

    assert response.status_code == 302
    assert CustomRate.objects.values_list("customer_id", "service_id", "fixed_rate").get() == (
        customer.pk,
        service.pk,
        Decimal("1.10"),
    )


def test_a_custom_markup_is_added_on_the_customers_page(admin_client, service, make_customer, with_row):
    customer = make_customer("0")
    url = f"/admin/panel/user/{customer.pk}/change/"
    page = admin_client.get(url)
    data = with_row(page, {"service": service.pk, "markup_percent": "5"})
    data.pop("password", None)
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert CustomRate.objects.values_list("customer_id", "markup_percent").get() == (
        customer.pk,
        Decimal("5"),
    )


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({"fixed_rate": "0.99"}, "below the cost of 1 USD"),
        ({"fixed_rate": "1.10", "markup_percent": "5"}, "not both"),
        ({}, "not both"),
    ],
)
def test_a_custom_rate_below_cost_or_ambiguous_is_refused(
    admin_client, service, customer, with_row, row, error
):
    url = f"/admin/catalog/service/{service.pk}/change/"
    page = admin_client.get(url)

    response = admin_client.post(url, with_row(page, {"customer": customer.pk, **row}))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not CustomRate.objects.exists()
