"""An operator may change a customer (their discount) but not make anyone staff or superuser, nor
give a role or a permission, themselves included: those fields are read-only to all but an owner."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from panel.models import User
from panel.roles import OPERATOR, OWNER

pytestmark = pytest.mark.django_db


def _form(user: User, **changes) -> dict:
    return {
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "discount_percent": "5",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "custom_rates-TOTAL_FORMS": "0",
        "custom_rates-INITIAL_FORMS": "0",
        **changes,
    }


def _promotion(target: User) -> dict:
    owners = Group.objects.get(name=OWNER)
    return _form(target, is_staff="on", is_superuser="on", groups=[owners.pk])


def test_an_operator_changes_a_discount_but_promotes_no_one(client, make_customer, make_staff_with_role):
    operator = make_staff_with_role(OPERATOR)
    customer = make_customer()
    client.force_login(operator)

    for target in (customer, operator):
        response = client.post(reverse("admin:panel_user_change", args=[target.pk]), _promotion(target))
        assert response.status_code == 302, response.content.decode()[:2000]

    customer.refresh_from_db()
    operator.refresh_from_db()
    assert str(customer.discount_percent) == "5.00"
    assert not (customer.is_staff or customer.is_superuser or customer.groups.exists())
    assert not operator.is_superuser
    assert list(operator.groups.values_list("name", flat=True)) == [OPERATOR]


def test_an_owner_makes_a_customer_staff_with_a_role(client, make_customer, make_staff_with_role):
    client.force_login(make_staff_with_role(OWNER))
    customer = make_customer()

    response = client.post(reverse("admin:panel_user_change", args=[customer.pk]), _promotion(customer))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.is_staff and customer.is_superuser
    assert list(customer.groups.values_list("name", flat=True)) == [OWNER]
