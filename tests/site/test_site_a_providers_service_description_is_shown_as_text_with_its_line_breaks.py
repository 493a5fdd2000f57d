"""The provider's `desc` of a service reaches the Services and new-order pages as text, its lines kept."""

import pytest

from catalog.models import Service
from catalog.services import catalog_sync

pytestmark = pytest.mark.django_db

DESC = "Starts in 1 h.\n<script>alert('x')</script>"
SHOWN = "Starts in 1 h.<br>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def test_a_script_in_a_providers_desc_is_shown_as_text_on_both_pages(
    logged_in, make_customer, provider, simulator
):
    simulator.set_service(1, desc=DESC)
    catalog_sync(provider=provider)
    service = Service.objects.get(provider=provider, provider_service_id=1)
    client = logged_in(make_customer())

    pages = {
        "services": client.get("/services/", {"q": service.name}).content.decode(),
        "new order": client.get("/orders/new/", {"service": service.pk}).content.decode(),
    }

    for name, html in pages.items():
        assert "<script>alert" not in html, name
        assert SHOWN in html, name
