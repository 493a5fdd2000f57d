"""Who may do what is on the audit trail: a user made staff or superuser, given or taken a role or
a permission, deactivated, and a role's (a group's) permissions edited, each with the owner who did
it and the values before and after. A permission an operator tried and was not allowed to give is
not recorded as given."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.models import AuditEntry, AuditKind
from panel.models import User
from panel.roles import FINANCE, OPERATOR, OWNER

pytestmark = pytest.mark.django_db


def _form(user: User, **changes) -> dict:
    return {
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "discount_percent": "0",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "custom_rates-TOTAL_FORMS": "0",
        "custom_rates-INITIAL_FORMS": "0",
        **changes,
    }


def _trail(obj, kind=AuditKind.PERMISSION) -> list[tuple]:
    opts = obj._meta
    return list(
        AuditEntry.objects.filter(
            object_type=f"{opts.app_label}.{opts.model_name}", object_id=str(obj.pk), kind=kind
        )
        .order_by("id")
        .values_list("actor__email", "action", "before", "after")
    )


def _shown(obj) -> str:
    return f"{obj} (#{obj.pk})"


def test_making_a_customer_staff_with_a_role_and_a_permission_is_recorded(
    client, make_customer, make_staff_with_role
):
    owner = make_staff_with_role(OWNER)
    customer = make_customer()
    finance = Group.objects.get(name=FINANCE)
    deposit = Permission.objects.get(codename="deposit_funds")
    client.force_login(owner)

    response = client.post(
        reverse("admin:panel_user_change", args=[customer.pk]),
        _form(customer, is_staff="on", is_superuser="on", groups=[finance.pk], user_permissions=[deposit.pk]),
    )

    assert response.status_code == 302
    assert _trail(customer) == [
        (
            owner.email,
            "changed",
            {"is_staff": False, "is_superuser": False, "groups": [], "user_permissions": []},
            {
                "is_staff": True,
                "is_superuser": True,
                "groups": [_shown(finance)],
                "user_permissions": [_shown(deposit)],
            },
        )
    ]


def test_taking_a_role_away_and_deactivating_is_recorded(client, make_staff_with_role):
    owner, operator = make_staff_with_role(OWNER), make_staff_with_role(OPERATOR)
    client.force_login(owner)

    response = client.post(
        reverse("admin:panel_user_change", args=[operator.pk]), _form(operator, is_staff="on", is_active="")
    )

    assert response.status_code == 302
    assert _trail(operator) == [
        (
            owner.email,
            "changed",
            {"is_active": True, "groups": [_shown(Group.objects.get(name=OPERATOR))]},
            {"is_active": False, "groups": []},
        )
    ]


def test_an_operators_attempt_to_promote_is_not_recorded_as_a_promotion(
    client, make_customer, make_staff_with_role
):
    operator = make_staff_with_role(OPERATOR)
    customer = make_customer()
    client.force_login(operator)

    client.post(
        reverse("admin:panel_user_change", args=[customer.pk]),
        _form(customer, is_staff="on", is_superuser="on", discount_percent="5"),
    )

    assert _trail(customer) == []  # the fields were read-only to them: nothing changed
    assert _trail(customer, AuditKind.MONEY) == [
        (operator.email, "changed", {"discount_percent": "0"}, {"discount_percent": "5"})
    ]


def test_a_roles_permissions_edited_are_recorded(client, make_staff_with_role):
    owner = make_staff_with_role(OWNER)
    support = Group.objects.create(name="Night shift")
    view_order = Permission.objects.get(codename="view_order")
    resolve = Permission.objects.get(codename="resolve_order")
    support.permissions.add(view_order)
    client.force_login(owner)

    response = client.post(
        reverse("admin:auth_group_change", args=[support.pk]),
        {"name": "Night shift", "permissions": [view_order.pk, resolve.pk]},
    )

    assert response.status_code == 302
    assert _trail(support) == [
        (
            owner.email,
            "changed",
            {"permissions": [_shown(view_order)]},
            {"permissions": sorted([_shown(view_order), _shown(resolve)])},
        )
    ]


def test_a_role_deleted_is_recorded_with_the_permissions_it_had(client, make_staff_with_role):
    owner = make_staff_with_role(OWNER)
    group = Group.objects.create(name="Temporary")
    view_order = Permission.objects.get(codename="view_order")
    group.permissions.add(view_order)
    client.force_login(owner)

    response = client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert list(
        AuditEntry.objects.filter(object_type="auth.group").values_list(
            "actor__email", "action", "before", "after"
        )
    ) == [(owner.email, "deleted", {"permissions": [_shown(view_order)]}, {})]
