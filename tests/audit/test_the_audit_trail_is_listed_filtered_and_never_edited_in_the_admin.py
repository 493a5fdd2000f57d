"""The "Audit trail" admin lists the entries newest first, filters them by actor, kind and date,
finds them by a staff member's e-mail or an object, and shows each read-only. No one adds, changes
or deletes an entry there, a superuser included: those pages answer 403. Owner and Finance read
it; Operator and Support do not."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry, AuditKind
from audit.services import AuditChange, audit_record
from panel.models import User
from panel.roles import FINANCE, OPERATOR, OWNER, SUPPORT

pytestmark = pytest.mark.django_db

LIST = reverse("admin:audit_auditentry_changelist")


@pytest.fixture
def entries(admin_user, make_customer, make_staff_with_role):
    """A discount the admin set, and a permission an owner gave a day ago."""
    customer, owner = make_customer("0"), make_staff_with_role(OWNER)
    (discount,) = audit_record(
        actor=admin_user,
        kind=AuditKind.MONEY,
        action="discount set",
        changes=[AuditChange(customer, {"discount_percent": "0"}, {"discount_percent": "5"})],
    )
    (promotion,) = audit_record(
        actor=owner,
        kind=AuditKind.PERMISSION,
        action="changed",
        changes=[AuditChange(customer, {"is_staff": False}, {"is_staff": True})],
    )
    AuditEntry.objects.filter(pk=promotion.pk).update(at=timezone.now() - timedelta(days=1))
    return {"discount": discount, "promotion": promotion, "owner": owner, "customer": customer}


def _listed(client, **query) -> list[int]:
    response = client.get(LIST, query)
    assert response.status_code == 200
    return [entry.pk for entry in response.context["cl"].result_list]


def test_the_list_shows_entries_newest_first_with_before_and_after(admin_client, entries):
    response = admin_client.get(LIST)

    assert [e.pk for e in response.context["cl"].result_list] == [
        entries["discount"].pk,
        entries["promotion"].pk,
    ]
    page = response.content.decode()
    assert "discount_percent: 0 → 5" in page and "is_staff: False → True" in page
    assert "Audit trail" in page


def test_the_list_filters_by_kind_actor_and_date_and_searches(admin_client, admin_user, entries):
    discount, promotion = entries["discount"].pk, entries["promotion"].pk

    assert _listed(admin_client, kind=AuditKind.PERMISSION) == [promotion]
    assert _listed(admin_client, actor=admin_user.email) == [discount]
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    assert _listed(admin_client, at__gte=str(midnight)) == [discount]  # the "Today" of the date filter
    assert _listed(admin_client, q=entries["owner"].email) == [promotion]
    assert _listed(admin_client, q=str(entries["customer"].pk)) == [discount, promotion]


def test_an_entry_is_shown_read_only(admin_client, entries):
    url = reverse("admin:audit_auditentry_change", args=[entries["discount"].pk])

    page = admin_client.get(url)

    assert page.status_code == 200
    content = page.content.decode()
    assert "discount_percent: 0 → 5" in content
    assert 'name="_save"' not in content and 'name="reason"' not in content


def test_a_superuser_cannot_add_change_or_delete_an_entry(admin_client, entries):
    entry = entries["discount"]

    add = admin_client.post(reverse("admin:audit_auditentry_add"), {"action": "forged", "kind": "money"})
    change = admin_client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "forged", "reason": "x"}
    )
    delete = admin_client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    bulk = admin_client.post(
        LIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert bulk.status_code in (200, 302)  # "no action selected": delete_selected is not offered
    assert AuditEntry.objects.count() == 2
    assert AuditEntry.objects.get(pk=entry.pk).action == "discount set"


def test_no_add_change_or_delete_permission_exists_to_be_given():
    from django.contrib.auth.models import Permission

    assert list(
        Permission.objects.filter(content_type__app_label="audit").values_list("codename", flat=True)
    ) == ["view_auditentry"]


@pytest.mark.parametrize(("role", "status"), [(OWNER, 200), (FINANCE, 200), (OPERATOR, 403), (SUPPORT, 403)])
def test_owner_and_finance_read_the_trail_and_other_roles_do_not(
    client, make_staff_with_role, entries, role, status
):
    client.force_login(make_staff_with_role(role))

    assert client.get(LIST).status_code == status
    assert (
        client.get(reverse("admin:audit_auditentry_change", args=[entries["discount"].pk])).status_code
        == status
    )


def test_text_staff_or_customers_wrote_is_shown_escaped(admin_client, admin_user):
    customer = User.objects.create_user(email="x@example.com", first_name="<b>bold</b>", password=None)
    audit_record(
        actor=admin_user,
        kind=AuditKind.MONEY,
        action="deposit",
        changes=[AuditChange(customer, {"note": "<script>alert(1)</script>"}, {"note": "ok"})],
        reason="<img src=x onerror=alert(1)>",
    )

    content = admin_client.get(LIST).content.decode()

    assert "<script>alert(1)</script>" not in content and "&lt;script&gt;" in content
    assert "<img src=x" not in content


def test_the_list_runs_as_many_queries_for_many_entries_as_for_one(admin_client, admin_user, make_customer):
    customers = [make_customer("0") for _ in range(3)]

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(LIST).status_code == 200
        return len(captured)

    audit_record(
        actor=admin_user,
        kind=AuditKind.MONEY,
        action="a",
        changes=[AuditChange(customers[0], {"x": 1}, {"x": 2})],
    )
    one = count()
    audit_record(
        actor=admin_user,
        kind=AuditKind.MONEY,
        action="a",
        changes=[AuditChange(c, {"x": 1}, {"x": 2}) for c in customers],
    )
    assert count() == one
