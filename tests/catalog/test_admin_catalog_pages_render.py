import pytest

from catalog.forms import ManualServiceForm
from catalog.models import CategoryMapping, Service
from catalog.services import catalog_sync

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def imported(provider):
    catalog_sync(provider=provider)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/catalog/service/",
        "/admin/catalog/service/?provider__id__exact=1&enabled__exact=1&dropped=no&type__exact=Default",
        "/admin/catalog/category/",
        "/admin/catalog/categorymapping/",
    ],
)
def test_the_catalog_lists_render(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_a_services_page_shows_its_price_history_read_only(admin_client, provider, simulator):
    simulator.set_service(1, rate="1.50")
    catalog_sync(provider=provider)
    service = Service.objects.get(provider_service_id=1)

    page = admin_client.get(f"/admin/catalog/service/{service.pk}/change/")

    history = page.context["inline_admin_formsets"][0]
    assert [form.original.rate for form in history] == [service.rate, service.price_history.last().rate]
    assert not history.has_add_permission and not history.has_change_permission
    assert b'name="provider_rate"' not in page.content  # the provider's terms are not ours to edit


def test_the_only_services_added_by_hand_are_manual_ones(admin_client):
    # A provider's services come from its sync; Add makes a service staff deliver themselves.
    page = admin_client.get("/admin/catalog/service/add/")
    assert page.status_code == 200
    assert isinstance(page.context["adminform"].form, ManualServiceForm)


def test_a_category_mapping_page_renders(admin_client):
    mapping = CategoryMapping.objects.first()

    assert admin_client.get(f"/admin/catalog/categorymapping/{mapping.pk}/change/").status_code == 200
