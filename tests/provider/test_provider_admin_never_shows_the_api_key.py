"""The provider's API key is write-only in the admin: never rendered, and kept when the field is
left blank on save."""

import pytest
from django.urls import reverse

from provider.models import Provider
from tests.conftest import with_totp

SECRET = "prov-key-8c1d2e3f4a5b6c7d"


@pytest.fixture
def provider(db) -> Provider:
    return Provider.objects.create(
        name="HonestSMM", api_url="https://honestsmm.example/api/v2", api_key=SECRET
    )


@pytest.fixture
def superuser(django_user_model):
    return with_totp(
        django_user_model.objects.create_superuser(email="root@example.com", password="pw-12345-abc")
    )


def form_data(provider: Provider, **changes) -> dict:
    data = {
        "name": provider.name,
        "api_url": provider.api_url,
        "api_key": "",
        "currency": provider.currency,
        "currency_factor": str(provider.currency_factor),
        "default_markup_percent": "",
        "margin_guard": provider.margin_guard,
        "is_active": "on",
        "low_balance_threshold": str(provider.low_balance_threshold),
        "max_in_flight": str(provider.max_in_flight),
        "failover_after": str(provider.failover_after),
        "calls_per_second": "",
    }
    return data | changes


def test_no_admin_page_renders_the_key(web_client, superuser, provider):
    web_client.force_login(superuser)
    for url in (
        reverse("admin:provider_provider_changelist"),
        reverse("admin:provider_provider_change", args=[provider.pk]),
        reverse("admin:provider_provider_history", args=[provider.pk]),
    ):
        response = web_client.get(url)
        assert response.status_code == 200
        assert SECRET not in response.content.decode(), url
    change_page = web_client.get(
        reverse("admin:provider_provider_change", args=[provider.pk])
    ).content.decode()
    assert 'type="password"' in change_page and "Leave blank to keep" in change_page


def test_saving_with_a_blank_key_keeps_the_old_one(web_client, superuser, provider):
    web_client.force_login(superuser)
    url = reverse("admin:provider_provider_change", args=[provider.pk])

    response = web_client.post(url, form_data(provider, low_balance_threshold="25"))

    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.api_key == SECRET and str(provider.low_balance_threshold) == "25.00000"
    history = web_client.get(reverse("admin:provider_provider_history", args=[provider.pk])).content.decode()
    assert SECRET not in history


def test_a_new_key_replaces_the_old_one_and_is_not_shown_back(web_client, superuser, provider):
    web_client.force_login(superuser)
    url = reverse("admin:provider_provider_change", args=[provider.pk])

    web_client.post(url, form_data(provider, api_key="  new-secret-key-77  "))

    provider.refresh_from_db()
    assert provider.api_key == "new-secret-key-77"
    assert "new-secret-key-77" not in web_client.get(url).content.decode()


def test_a_new_provider_needs_a_key(web_client, superuser, db):
    web_client.force_login(superuser)
    data = form_data(Provider(name="New", api_url="https://new.example/api/v2"))

    response = web_client.post(reverse("admin:provider_provider_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["api_key"] == ["A new provider needs its API key."]
    assert not Provider.objects.filter(name="New").exists()


def test_a_key_rejected_on_the_form_is_not_echoed(web_client, superuser, provider):
    web_client.force_login(superuser)
    url = reverse("admin:provider_provider_change", args=[provider.pk])

    response = web_client.post(url, form_data(provider, api_key="typed-secret-3141", currency_factor="0"))

    assert response.status_code == 200  # the form is refused for the factor...
    assert "typed-secret-3141" not in response.content.decode()  # ...and the typed key is not echoed
    provider.refresh_from_db()
    assert provider.api_key == SECRET
