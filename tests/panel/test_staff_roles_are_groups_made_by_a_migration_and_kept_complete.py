"""The staff roles (panel.roles) are groups that migrations make: Support, Finance and Operator with
what each is declared to have and nothing that adds, changes or deletes money's records; Owner with
every permission. Each migrate gives them back a declared permission they lack."""

import pytest
from django.contrib.auth.models import Group, Permission

from panel.roles import FINANCE, OPERATOR, OWNER, ROLES, SUPPORT, staff_roles_sync

pytestmark = pytest.mark.django_db


def _labels(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions.select_related("content_type")}


def _names(group: Group) -> set[str]:
    return _labels(group.permissions)


def test_the_migrations_make_the_four_roles_with_their_declared_permissions():
    for role, declared in ROLES.items():
        assert _names(Group.objects.get(name=role)) == set(declared), role
    assert Group.objects.get(name=OWNER).permissions.count() == Permission.objects.count()


def test_every_declared_permission_exists():
    every = _labels(Permission.objects)
    for role, declared in ROLES.items():
        assert set(declared) <= every, f"{role} names a permission no app has: {set(declared) - every}"


def test_support_reads_and_moves_no_money():
    support = _names(Group.objects.get(name=SUPPORT))
    beyond_reading = {name for name in support if not name.split(".")[1].startswith("view_")}
    assert beyond_reading == {
        "orders.request_refill_cancel",  # as the customer could: the provider decides
        "support.reply_ticket",
        "support.add_cannedreply",
        "support.change_cannedreply",
        "support.delete_cannedreply",
    }


def test_only_owner_may_manage_staff():
    for role in (SUPPORT, FINANCE, OPERATOR):
        assert "panel.manage_staff" not in _names(Group.objects.get(name=role))
    assert "panel.manage_staff" in _names(Group.objects.get(name=OWNER))


def test_only_finance_and_owner_may_freeze_accounts_and_keep_the_blocklist():
    fraud = {"panel.freeze_account", "fraud.add_blockrule", "fraud.delete_blockrule"}
    for role in (SUPPORT, OPERATOR):
        assert not fraud & _names(Group.objects.get(name=role)), role
    for role in (FINANCE, OWNER):
        assert fraud <= _names(Group.objects.get(name=role)), role


def test_a_declared_permission_a_group_lost_comes_back_and_an_added_one_stays():
    finance = Group.objects.get(name=FINANCE)
    deposit = Permission.objects.get(codename="deposit_funds")
    extra = Permission.objects.get(codename="view_webhookendpoint")
    finance.permissions.remove(deposit)
    finance.permissions.add(extra)

    staff_roles_sync(group_model=Group, permission_model=Permission)

    assert {"billing.deposit_funds", "webhooks.view_webhookendpoint"} <= _names(finance)
