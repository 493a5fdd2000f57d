"""The admin cannot set a price below cost: the form refuses it and says what the cost is."""

from decimal import Decimal

import pytest

from catalog.models import Category, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(make_service):
    return make_service(provider_rate="0.90", name="Followers")


def change_url(service: Service) -> str:
    return f"/admin/catalog/service/{service.pk}/change/"


def test_the_service_form_refuses_a_negative_markup_naming_the_cost(admin_client, service, form_data):
    data = form_data(admin_client.get(change_url(service)))

    response = admin_client.post(change_url(service), {**data, "markup_percent": "-10"})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["markup_percent"]
    assert errors == [
        "A markup of -10% would sell at 0.81 USD, below the cost of 0.9 USD per 1000 "
        "(the provider's rate 0.9 x currency factor 1). Use 0% or more."
    ]
    assert Service.objects.get(pk=service.pk).markup_percent is None


def test_the_service_form_refuses_a_fixed_rate_below_cost_naming_the_cost(admin_client, service, form_data):
    data = form_data(admin_client.get(change_url(service)))

    response = admin_client.post(change_url(service), {**data, "fixed_rate": "0.5"})

    assert response.status_code == 200
    assert (
        "is below the cost of 0.9 USD per 1000" in response.context["adminform"].form.errors["fixed_rate"][0]
    )
    assert Service.objects.get(pk=service.pk).fixed_rate is None


def test_the_service_list_refuses_a_negative_markup_and_saves_nothing(admin_client, service, changelist_data):
    response = admin_client.post(
        "/admin/catalog/service/", changelist_data([service], {service.pk: {"markup_percent": "-1"}})
    )

    assert response.status_code == 200
    assert b"would sell at 0.891 USD, below the cost of 0.9 USD per 1000" in response.content
    assert Service.objects.get(pk=service.pk).markup_percent is None


def test_the_category_form_refuses_a_negative_default_markup(admin_client, service, form_data):
    url = f"/admin/catalog/category/{service.category_id}/change/"
    data = form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "default_markup_percent": "-5"})

    assert response.status_code == 200
    assert "would sell below cost" in response.context["adminform"].form.errors["default_markup_percent"][0]
    assert Category.objects.get(pk=service.category_id).default_markup_percent is None


def test_the_bulk_markup_form_refuses_a_negative_markup(admin_client, service):
    response = admin_client.post(
        "/admin/catalog/service/",
        {"action": "set_markup", "_selected_action": [service.pk], "apply": "1", "markup_percent": "-20"},
    )

    assert response.status_code == 200
    assert "would sell below cost" in response.context["form"].errors["markup_percent"][0]
    assert Service.objects.get(pk=service.pk).rate == Decimal("1.17")


def test_the_database_refuses_a_negative_markup_too(service):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(markup_percent=Decimal("-1"))
