"""The provider's admin page has "Test connection" and "Check balance now": POSTs with CSRF, for staff
who may change providers, each one call to the provider told in a message: the balance with the
provider's currency, or what went wrong (unreachable, a refused key, an answer that is not API v2),
never a 500."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from provider.models import Provider
from provider.simulator import Faults
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(web_client, admin_user) -> Client:
    web_client.force_login(admin_user)
    return web_client


def press(client: Client, provider: Provider, button: str) -> list[tuple[str, str]]:
    response = client.post(f"/admin/provider/provider/{provider.pk}/{button}/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/admin/provider/provider/{provider.pk}/change/", 302)]
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


def test_the_change_page_shows_both_buttons_as_posted_forms(staff, provider_row):
    page = staff.get(f"/admin/provider/provider/{provider_row.pk}/change/").content.decode()
    for button, label in [("test-connection", "Test connection"), ("check-balance", "Check balance now")]:
        action = f'<form method="post" action="/admin/provider/provider/{provider_row.pk}/{button}/">'
        assert action in page and label in page
    assert page.count('name="csrfmiddlewaretoken"') >= 3  # the change form's and one per button


def test_test_connection_tells_the_key_is_accepted_and_stores_nothing(staff, provider_row, simulator):
    simulator.set_balance(Decimal("123.45"))

    assert press(staff, provider_row, "test-connection") == [
        ("success", "Simulator: connected, the API key is accepted (balance 123.45 USD).")
    ]
    provider_row.refresh_from_db()
    assert provider_row.balance is None and provider_row.balance_checked_at is None


def test_check_balance_now_stores_the_balance_and_tells_it_with_its_currency(staff, provider_row, simulator):
    simulator.set_balance(Decimal("7.50000"))

    assert press(staff, provider_row, "check-balance") == [("success", "Simulator: balance 7.50 USD.")]
    provider_row.refresh_from_db()
    assert provider_row.balance == Decimal("7.5") and provider_row.balance_checked_at is not None


def test_a_refused_key_is_told_as_such(staff, provider_row):
    Provider.objects.filter(pk=provider_row.pk).update(api_key="not-the-key")

    for button in ("test-connection", "check-balance"):
        [(level, text)] = press(staff, provider_row, button)
        assert level == "error" and "the provider refuses the API key ('Invalid API key')" in text
    provider_row.refresh_from_db()
    assert provider_row.balance is None


def test_a_provider_that_cannot_be_reached_is_told_not_a_500(staff, provider_row, closed_port):
    Provider.objects.filter(pk=provider_row.pk).update(api_url=f"http://127.0.0.1:{closed_port}/api/v2")

    for button in ("test-connection", "check-balance"):
        [(level, text)] = press(staff, provider_row, button)
        assert level == "error" and "the provider cannot be reached" in text
        assert "could not connect to 127.0.0.1" in text


def test_an_answer_that_is_not_api_v2_is_told_not_a_500(staff, provider_row, simulator):
    simulator.set_faults(Faults(html=1.0))

    for button in ("test-connection", "check-balance"):
        [(level, text)] = press(staff, provider_row, button)
        assert level == "error" and "the provider's answer is not a valid API v2 answer" in text


def test_the_buttons_need_a_post_with_csrf_and_the_change_permission(
    staff, provider_row, django_user_model, admin_user
):
    for button in ("test-connection", "check-balance"):
        url = f"/admin/provider/provider/{provider_row.pk}/{button}/"
        assert staff.get(url).status_code == 405

        checked = Client(enforce_csrf_checks=True)
        checked.force_login(admin_user)
        assert checked.post(url).status_code == 403

        viewer = with_totp(
            django_user_model.objects.create_user(
                email=f"viewer-{button}@example.com", password="correct-horse-42", is_staff=True
            )
        )
        viewer.user_permissions.add(Permission.objects.get(codename="view_provider"))
        only_views = Client()
        only_views.force_login(viewer)
        assert only_views.post(url).status_code == 403
        page = only_views.get(f"/admin/provider/provider/{provider_row.pk}/change/").content.decode()
        assert "Check balance now" not in page
    assert Provider.objects.get(pk=provider_row.pk).balance is None
