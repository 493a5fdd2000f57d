"""The Customers list's "Freeze" action asks for a reason, then freezes the selected accounts;
"Unfreeze" gives them back. Only Finance and Owner (panel.freeze_account) have either: for Support
and Operator the actions are not offered and a forged post changes nothing."""

import pytest

from audit.models import AuditEntry, AuditKind
from fraud.services import account_freeze
from panel.models import User
from panel.roles import FINANCE, OPERATOR, OWNER, SUPPORT

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/panel/user/"


def _frozen(customer) -> bool:
    return User.objects.get(pk=customer.pk).frozen_at is not None


@pytest.mark.parametrize("role", [FINANCE, OWNER])
def test_finance_and_owner_freeze_with_a_reason_and_unfreeze(
    client, make_staff_with_role, make_customer, role
):
    customer = make_customer()
    client.force_login(make_staff_with_role(role))
    assert b'value="freeze"' in client.get(CHANGELIST).content

    asked = client.post(CHANGELIST, {"action": "freeze", "_selected_action": [customer.pk]})
    assert asked.status_code == 200 and b'name="reason"' in asked.content
    assert not _frozen(customer)

    empty = {"action": "freeze", "_selected_action": [customer.pk], "apply": "1", "reason": "  "}
    assert b"This field is required" in client.post(CHANGELIST, empty).content
    assert not _frozen(customer)

    done = client.post(
        CHANGELIST,
        {"action": "freeze", "_selected_action": [customer.pk], "apply": "1", "reason": "chargebacks"},
    )
    assert done.status_code == 302
    stored = User.objects.get(pk=customer.pk)
    assert stored.frozen_at is not None and stored.frozen_reason == "chargebacks"
    assert b"chargebacks" in client.get(f"{CHANGELIST}{customer.pk}/change/").content

    client.post(CHANGELIST, {"action": "unfreeze", "_selected_action": [customer.pk]})
    assert not _frozen(customer)

    # Both are on the audit trail, with the reason, as a change of what the account may do.
    trail = AuditEntry.objects.filter(object_id=str(customer.pk), kind=AuditKind.PERMISSION).order_by("id")
    assert [
        (e.action, e.reason, e.before.get("frozen_reason"), e.after.get("frozen_reason")) for e in trail
    ] == [
        ("frozen", "chargebacks", "", "chargebacks"),
        ("unfrozen", "", "chargebacks", ""),
    ]


@pytest.mark.parametrize("role", [SUPPORT, OPERATOR])
def test_support_and_operator_can_neither_freeze_nor_unfreeze(
    client, make_staff_with_role, make_customer, role
):
    customer = make_customer()
    client.force_login(make_staff_with_role(role))
    assert b'value="freeze"' not in client.get(CHANGELIST).content
    client.post(
        CHANGELIST,
        {"action": "freeze", "_selected_action": [customer.pk], "apply": "1", "reason": "no right"},
    )
    assert not _frozen(customer)

    account_freeze(customer=customer, reason="by finance", by=None)
    client.post(CHANGELIST, {"action": "unfreeze", "_selected_action": [customer.pk]})
    assert _frozen(customer)
