"""The API documentation is public, as Perfect Panel's is: a visitor reads every action with
examples that call the panel's own URL with a placeholder key and placeholder service ids (the
catalog may not be public). Making or revoking a key still needs a signed-in customer; a signed-in
customer's examples order their own services."""

import re

import pytest

from catalog.selectors import services_for
from panel.api.definitions import ACTIONS, KEY
from panel.models import ApiKey

pytestmark = pytest.mark.django_db

URL = "/account/api/"


def test_a_visitor_reads_every_action_with_the_panels_url_and_a_placeholder_key(client, catalog):
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ACTIONS:
        assert f'id="action-{name}"' in html
    assert "http://testserver/api/v2" in html
    assert KEY.example in html
    assert "Sign in to create your key" in html and 'href="/login/?next=/account/api/"' in html
    assert "Create a key" not in html and 'id="webhooks"' not in html


def test_a_visitor_sees_no_service_of_the_catalog_in_the_examples(client, catalog):
    html = client.get(URL).content.decode()
    assert "This example orders service" not in html
    for service in catalog.values():
        assert service.name not in html


def test_a_signed_in_customers_examples_order_their_own_services(client, make_customer, catalog):
    customer = make_customer()
    client.force_login(customer)
    html = client.get(URL).content.decode()
    first = services_for(customer).first()
    assert f"This example orders service {first.pk}," in html
    assert "Create a key" in html and 'id="webhooks"' in html


@pytest.mark.parametrize("do", ["create", "revoke"])
def test_a_visitors_post_is_sent_to_sign_in_and_makes_no_key(client, catalog, do):
    response = client.post(URL, {"do": do})
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/account/api/"
    assert not ApiKey.objects.exists()


def test_a_visitors_post_without_the_csrf_token_is_refused(catalog):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(URL, {"do": "create"})
    assert response.status_code == 403


def test_the_visitors_header_links_the_api_page(client):
    html = client.get("/login/").content.decode()
    nav = re.search(r'<nav aria-label="Account" class="guest-nav">(.*?)</nav>', html, re.S)[1]
    assert 'href="/account/api/"' in nav
