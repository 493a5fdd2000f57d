import pytest

from catalog.models import Service
from provider.simulator import Faults
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/service/"


def sync_url(provider) -> str:
    return f"/admin/catalog/service/sync/{provider.pk}/"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_service_list_offers_a_sync_button_per_active_provider(admin_client, provider):
    page = admin_client.get(CHANGELIST)

    assert f'action="{sync_url(provider)}"'.encode() in page.content
    assert b"Sync HonestSim now" in page.content


def test_sync_now_imports_the_providers_list_and_reports_it(admin_client, provider, simulator):
    response = admin_client.post(sync_url(provider), follow=True)

    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert Service.objects.count() == len(simulator.services)
    assert messages_of(response) == [
        f"HonestSim: {len(simulator.services)} services listed; 20 new, 0 updated (0 repriced), "
        "0 dropped, 0 back, 7 new categories."
    ]


def test_sync_now_reports_an_unreadable_answer_and_changes_nothing(admin_client, provider, simulator):
    simulator.set_faults(Faults(html=1.0))

    response = admin_client.post(sync_url(provider), follow=True)

    assert not Service.objects.exists()
    [message] = messages_of(response)
    assert message.startswith("HonestSim: the service list could not be read, nothing changed")
    assert "an HTML page" in message


def test_sync_now_is_a_post(admin_client, provider):
    assert admin_client.get(sync_url(provider)).status_code == 405
    assert not Service.objects.exists()


def test_sync_now_needs_the_right_to_change_services(client, django_user_model, provider):
    staff = with_totp(
        django_user_model.objects.create_user(email="staff@example.com", password="x", is_staff=True)
    )
    client.force_login(staff)

    assert client.post(sync_url(provider)).status_code == 403
    assert not Service.objects.exists()
