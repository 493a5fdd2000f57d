"""A customer's custom rates are what they pay, so each one staff add, change or delete inline (on
the service's page or the customer's) is on the audit trail with the rate before and after."""

from decimal import Decimal

import pytest

from audit.models import AuditEntry, AuditKind
from catalog.models import CustomRate

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(make_service):
    return make_service(provider_rate="1.00")


def _rows(rate: CustomRate | None, **fields) -> dict:
    """The service page's custom rates formset: `rate` as it is (or none), changed by `fields`."""
    if rate is None:
        return {
            "custom_rates-TOTAL_FORMS": "1",
            "custom_rates-INITIAL_FORMS": "0",
            **{f"custom_rates-0-{name}": value for name, value in fields.items()},
        }
    row = {"id": rate.pk, "service": rate.service_id, "customer": rate.customer_id}
    row.update({"fixed_rate": rate.fixed_rate or "", "markup_percent": rate.markup_percent or "", **fields})
    return {
        "custom_rates-TOTAL_FORMS": "1",
        "custom_rates-INITIAL_FORMS": "1",
        **{f"custom_rates-0-{name}": value for name, value in row.items()},
    }


def _trail() -> list[tuple]:
    return list(
        AuditEntry.objects.filter(object_type="catalog.customrate")
        .order_by("id")
        .values_list("actor__email", "kind", "action", "before", "after")
    )


def test_a_custom_rate_added_changed_and_deleted_on_the_services_page_is_recorded(
    admin_client, admin_user, service, customer, form_data
):
    url = f"/admin/catalog/service/{service.pk}/change/"
    page = form_data(admin_client.get(url))

    added = admin_client.post(url, {**page, **_rows(None, customer=customer.pk, fixed_rate="1.10")})
    assert added.status_code == 302
    rate = CustomRate.objects.get()
    changed = admin_client.post(url, {**page, **_rows(rate, fixed_rate="1.25")})
    assert changed.status_code == 302
    rate.refresh_from_db()
    deleted = admin_client.post(url, {**page, **_rows(rate, DELETE="on")})
    assert deleted.status_code == 302

    assert not CustomRate.objects.exists()
    on = f"on {service}"
    assert _trail() == [
        (
            admin_user.email,
            AuditKind.MONEY,
            f"custom rate added {on}",
            {},
            {
                "customer": customer.pk,
                "service": service.pk,
                "fixed_rate": "1.1",
                "markup_percent": None,
            },
        ),
        (
            admin_user.email,
            AuditKind.MONEY,
            f"custom rate changed {on}",
            {"fixed_rate": "1.1"},
            {"fixed_rate": "1.25"},
        ),
        (
            admin_user.email,
            AuditKind.MONEY,
            f"custom rate deleted {on}",
            {
                "customer": customer.pk,
                "service": service.pk,
                "fixed_rate": "1.25",
                "markup_percent": None,
            },
            {},
        ),
    ]
    assert set(AuditEntry.objects.values_list("object_id", flat=True)) == {str(rate.pk)}


def test_a_custom_markup_added_on_the_customers_page_is_recorded(admin_client, service, make_customer):
    customer = make_customer("0")
    url = f"/admin/panel/user/{customer.pk}/change/"
    data = {
        "email": customer.email,
        "discount_percent": "0",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        **_rows(None, service=service.pk, markup_percent="5"),
    }

    assert admin_client.post(url, data).status_code == 302

    assert CustomRate.objects.get().markup_percent == Decimal("5")
    assert [(action, after) for _, _, action, _, after in _trail()] == [
        (
            f"custom rate added on {customer}",
            {
                "customer": customer.pk,
                "service": service.pk,
                "fixed_rate": None,
                "markup_percent": "5",
            },
        )
    ]
