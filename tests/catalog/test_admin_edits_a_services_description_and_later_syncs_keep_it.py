"""A description edited in the admin is kept over later syncs; the provider's own is kept beside it."""

import pytest

from catalog.models import Service
from catalog.services import catalog_sync

pytestmark = pytest.mark.django_db


def test_the_admins_description_survives_the_providers_next_desc(
    admin_client, form_data, provider, simulator
):
    catalog_sync(provider=provider)
    service = Service.objects.get(provider=provider, provider_service_id=1)
    url = f"/admin/catalog/service/{service.pk}/change/"

    response = admin_client.post(url, {**form_data(admin_client.get(url)), "description": "Ours:\nfast."})
    assert response.status_code == 302
    simulator.set_service(1, desc="The provider's new words.")
    catalog_sync(provider=provider)

    service.refresh_from_db()
    assert (service.description, service.provider_description) == (
        "Ours:\nfast.",
        "The provider's new words.",
    )
