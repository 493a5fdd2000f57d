"""On a service's admin page, the Failover section's backup is picked by searching the services
(the admin's autocomplete, under the admin CSP); a backup at the same provider is refused with a
message that says why, and nothing is saved."""

from decimal import Decimal

import pytest

from catalog.models import Service
from catalog.services import catalog_sync
from provider.models import Provider
from provider.simulator import Simulator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_sets_another_providers_service_as_backup_and_is_told_why_a_wrong_one_is_refused(
    live_server, open_page, sign_in_as, service, admin_user, screenshot
):
    followers = service("Instagram Followers [Refill 30 days]")
    with Simulator("backup-key", seed=5, time_scale=0) as sim:
        backup_provider = Provider.objects.create(
            name="Backup", api_url=sim.url, api_key=sim.key, currency_factor=Decimal("1.5")
        )
        catalog_sync(provider=backup_provider)
    backup = Service.objects.get(provider=backup_provider, provider_service_id=followers.provider_service_id)
    same_provider = Service.objects.filter(provider=followers.provider, type=followers.type).exclude(
        pk=followers.pk
    )[0]

    page = open_page(viewport={"width": 1280, "height": 900})
    sign_in_as(page, admin_user)
    page.goto(f"{live_server.url}/admin/catalog/service/{followers.pk}/change/")
    page.locator(".field-backup_service .select2-selection").click()
    page.locator(".select2-search__field").fill(same_provider.name[:12])
    page.locator(".select2-results__option", has_text=str(same_provider)).first.click()
    page.get_by_role("button", name="Save", exact=True).click()
    assert (
        page.locator(".field-backup_service .errorlist")
        .inner_text()
        .startswith("The backup must be another provider's service")
    )
    page.locator(".field-backup_service").scroll_into_view_if_needed()
    screenshot(page, "admin-service-backup-refused")
    followers.refresh_from_db()
    assert followers.backup_service_id is None

    page.locator(".field-backup_service .select2-selection").click()
    page.locator(".select2-search__field").fill(backup.name[:12])
    page.locator(".select2-results__option", has_text=str(backup)).first.click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{live_server.url}/admin/catalog/service/")
    followers.refresh_from_db()
    assert followers.backup_service_id == backup.pk
