"""The discount is set on the customer's admin page or, for many, by the "Set the discount %" action,
which asks for the percent first and refuses one outside 0..99.99; every change leaves one entry on
the audit trail per customer saying who changed it, when, from what to what."""

from decimal import Decimal

import pytest

from audit.models import AuditEntry, AuditKind
from panel.models import User

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/panel/user/"


def _entries(customer: User) -> list[tuple[str, dict, dict]]:
    return [
        (entry.actor.email, entry.before, entry.after)
        for entry in AuditEntry.objects.filter(
            object_type="panel.user", object_id=str(customer.pk), kind=AuditKind.MONEY
        )
    ]


def test_the_customers_page_sets_the_discount_and_records_the_change(admin_client, admin_user, make_customer):
    customer = make_customer("0")
    page = admin_client.get(f"{CHANGELIST}{customer.pk}/change/")
    assert b'name="discount_percent"' in page.content
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data.pop("password", None)
    data.update({"discount_percent": "12.5", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{name}": management[name].value() for name in management.fields})

    response = admin_client.post(f"{CHANGELIST}{customer.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    customer.refresh_from_db()
    assert customer.discount_percent == Decimal("12.5")
    assert _entries(customer) == [(admin_user.email, {"discount_percent": "0"}, {"discount_percent": "12.5"})]


def test_the_bulk_action_asks_for_the_percent_first(admin_client, make_customer):
    customer = make_customer("0")

    response = admin_client.post(CHANGELIST, {"action": "set_discount", "_selected_action": [customer.pk]})

    assert response.status_code == 200
    assert b'name="discount_percent"' in response.content
    assert User.objects.get(pk=customer.pk).discount_percent == 0


@pytest.mark.parametrize("percent", ["-1", "100", "abc"])
def test_the_bulk_action_refuses_a_percent_outside_0_to_99_99(admin_client, make_customer, percent):
    customer = make_customer("0")

    response = admin_client.post(
        CHANGELIST,
        {
            "action": "set_discount",
            "_selected_action": [customer.pk],
            "apply": "1",
            "discount_percent": percent,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert User.objects.get(pk=customer.pk).discount_percent == 0
    assert _entries(customer) == []


def test_the_bulk_action_sets_the_discount_with_one_entry_per_customer(
    admin_client, admin_user, make_customer
):
    first, second, untouched = make_customer("0"), make_customer("0"), make_customer("0")
    User.objects.filter(pk=second.pk).update(discount_percent=Decimal("5"))

    response = admin_client.post(
        CHANGELIST,
        {
            "action": "set_discount",
            "_selected_action": [first.pk, second.pk],
            "apply": "1",
            "discount_percent": "7.25",
        },
    )

    assert response.status_code == 302
    discounts = dict(User.objects.values_list("pk", "discount_percent"))
    assert (discounts[first.pk], discounts[second.pk], discounts[untouched.pk]) == (
        Decimal("7.25"),
        Decimal("7.25"),
        Decimal("0"),
    )
    assert _entries(first) == [(admin_user.email, {"discount_percent": "0"}, {"discount_percent": "7.25"})]
    assert _entries(second) == [(admin_user.email, {"discount_percent": "5"}, {"discount_percent": "7.25"})]
    assert _entries(untouched) == []
