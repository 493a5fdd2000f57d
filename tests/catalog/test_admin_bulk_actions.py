import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Category, Service

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/service/"


def test_disable_and_enable_actions(admin_client, make_service):
    first, second = make_service(), make_service()

    admin_client.post(CHANGELIST, {"action": "disable", "_selected_action": [first.pk, second.pk]})
    assert not Service.objects.filter(enabled=True).exists()

    admin_client.post(CHANGELIST, {"action": "enable", "_selected_action": [first.pk]})
    assert list(Service.objects.filter(enabled=True)) == [first]


def test_enabling_leaves_a_dropped_service_disabled_and_says_so(admin_client, make_service):
    dropped = make_service(enabled=False, dropped_at=timezone.now())

    response = admin_client.post(
        CHANGELIST, {"action": "enable", "_selected_action": [dropped.pk]}, follow=True
    )

    assert not Service.objects.get(pk=dropped.pk).enabled
    [message] = [str(m) for m in response.context["messages"]]
    assert message == "0 services enabled. 1 dropped by their provider stay disabled."


def test_moving_services_to_a_category_reprices_them_with_its_markup(admin_client, make_service):
    target = Category.objects.create(name="Cheap", default_markup_percent=Decimal("5"))
    service = make_service(provider_rate="1.00")

    asked = admin_client.post(CHANGELIST, {"action": "move_to_category", "_selected_action": [service.pk]})
    assert b'name="category"' in asked.content
    admin_client.post(
        CHANGELIST,
        {"action": "move_to_category", "_selected_action": [service.pk], "apply": "1", "category": target.pk},
    )

    moved = Service.objects.get(pk=service.pk)
    assert (moved.category, moved.rate) == (target, Decimal("1.05"))


def test_the_csv_export_lists_the_selected_services_with_cost_and_rate(admin_client, make_service):
    service = make_service(provider_rate="0.90", name='=HYPERLINK("http://evil")')
    make_service(name="Not selected")

    response = admin_client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [service.pk]})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="catalog-')
    [row] = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert (row["id"], row["cost"], row["rate"], row["enabled"]) == (str(service.pk), "0.9", "1.17", "1")
    assert row["name"] == '\'=HYPERLINK("http://evil")'  # not run as a formula by a spreadsheet


def test_the_service_list_searches_by_name_and_by_our_or_the_providers_id(admin_client, make_service):
    likes = make_service(name="Instagram likes", provider_service_id=777)
    views = make_service(name="YouTube views")

    def found(term):
        return {s.pk for s in admin_client.get(CHANGELIST, {"q": term}).context["cl"].result_list}

    assert found("likes") == {likes.pk}
    assert found("777") == {likes.pk}
    assert found(str(views.pk)) == {views.pk}
