from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Category
from provider.models import Provider

pytestmark = pytest.mark.django_db

URL = "/services/"


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def rows(response) -> dict[str, Decimal]:
    """Service name -> the rate shown, from the page's context."""
    return {row.service.name: row.rate for group in response.context["groups"] for row in group.services}


def test_a_customer_sees_services_by_category_with_rates_bounds_and_flags(signed_in, make_service):
    make_service(name="Followers", provider_rate="0.90", refill=True, description="Real-looking.")

    response = signed_in.get(URL)

    assert response.status_code == 200
    assert rows(response) == {"Followers": Decimal("1.17")}
    html = response.content.decode()
    assert "Factory category" in html
    assert (
        '<td class="num rate" data-label="Rate (USD)"><span>1.17<br>' in html and "per 1000" in html
    )  # the header names the currency
    assert "Rate (USD)" in html
    assert "Real-looking." in html


def test_a_customer_sees_their_discounted_rate(signed_in, customer, make_service):
    customer.discount_percent = Decimal("10")
    customer.save()
    make_service(name="Followers", provider_rate="1.00")  # our rate 1.30

    response = signed_in.get(URL)

    assert rows(response) == {"Followers": Decimal("1.17")}
    assert b'<td class="num rate" data-label="Rate (USD)"><span>1.17<br>' in response.content


def test_disabled_dropped_hidden_and_inactive_providers_services_are_not_listed(signed_in, make_service):
    hidden = Category.objects.create(name="Hidden", visible=False)
    gone = Provider.objects.create(
        name="Gone", api_url="http://127.0.0.1:9/api/v2", api_key="k", is_active=False
    )
    make_service(name="On sale")
    make_service(name="Disabled", enabled=False)
    make_service(name="Dropped", enabled=False, dropped_at=timezone.now())
    make_service(name="In a hidden category", category=hidden)
    make_service(name="Of an inactive provider", provider=gone)

    response = signed_in.get(URL)

    assert set(rows(response)) == {"On sale"}
    assert b"Hidden" not in response.content


def test_a_script_in_a_service_name_is_shown_as_text(signed_in, make_service):
    make_service(name="<script>alert(1)</script>", description="<b>bold</b>")

    response = signed_in.get(URL)

    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
    assert b"&lt;b&gt;bold&lt;/b&gt;" in response.content


def test_the_search_finds_services_by_name_or_id(signed_in, make_service):
    likes = make_service(name="Instagram likes")
    views = make_service(name="YouTube views")

    assert set(rows(signed_in.get(URL, {"q": "LIKES"}))) == {"Instagram likes"}
    assert set(rows(signed_in.get(URL, {"q": str(views.pk)}))) == {"YouTube views"}
    assert set(rows(signed_in.get(URL, {"q": f" {likes.pk} "}))) == {"Instagram likes"}
    assert rows(signed_in.get(URL, {"q": "nothing like it"})) == {}


def test_visitors_are_sent_to_log_in_unless_the_price_list_is_public(client, make_service, settings):
    make_service(name="Followers", provider_rate="1.00")

    assert client.get(URL)["Location"] == "/login/?next=/services/"

    settings.PRICE_LIST_PUBLIC = True
    response = client.get(URL)
    assert response.status_code == 200
    assert rows(response) == {"Followers": Decimal("1.30")}


def test_the_page_runs_the_same_number_of_queries_for_3_or_60_services(
    signed_in, make_service, django_assert_num_queries
):
    categories = [Category.objects.create(name=f"Category {n}") for n in range(3)]
    for n in range(3):
        make_service(category=categories[n])
    with CaptureQueriesContext(connection) as few:
        signed_in.get(URL)
    # The session, the user, the header's balance and unread tickets, the services with their
    # category and provider, and their average times (orders.selectors.services_completion_times).
    assert len(few) == 6
    for n in range(57):
        make_service(
            category=categories[n % 3],
            provider=Provider.objects.get_or_create(
                name=f"Provider {n % 4}", defaults={"api_url": "http://127.0.0.1:9/api/v2", "api_key": "k"}
            )[0],
        )

    with django_assert_num_queries(len(few)):
        response = signed_in.get(URL)

    assert len(rows(response)) == 60
