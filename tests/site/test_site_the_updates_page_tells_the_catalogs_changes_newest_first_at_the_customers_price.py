"""The Updates page (/updates/): services added, removed, enabled, disabled, rate up and rate down,
from the services' history, newest first, filterable by kind and searchable by service, a page at
a time in a constant number of queries, at the customer's own price (their discount or custom
rate, never another customer's, never the raw cost), the provider's words as plain text. Open to
signed-in customers; to visitors too only where the price list is (PRICE_LIST_PUBLIC)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Category, CustomRate, PriceChange, PriceHistory, Service, ServiceUpdate
from catalog.pricing import customer_rate
from catalog.services import catalog_sync, services_set_enabled
from panel.templatetags.panel_site import plain_money

pytestmark = pytest.mark.django_db

URL = "/updates/"


def rows(html: str) -> list[tuple[str, str]]:
    """(kind, service id) of each row shown, top to bottom."""
    import re

    return re.findall(r'<tr data-kind="([a-z_]+)" data-service="(\d+)">', html)


@pytest.fixture
def page(client, make_customer):
    def get(customer=None, **params):
        client.force_login(customer or make_customer())
        response = client.get(URL, params)
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_a_visitor_is_sent_to_sign_in_unless_the_price_list_is_public(client, catalog, settings):
    settings.PRICE_LIST_PUBLIC = False
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/updates/")
    settings.PRICE_LIST_PUBLIC = True
    shown = client.get(URL)
    assert shown.status_code == 200 and rows(shown.content.decode())


def test_the_newest_change_comes_first(page, provider, simulator, catalog):
    one = Service.objects.get(provider_service_id=1)
    simulator.set_service(1, rate="2.00")
    catalog_sync(provider=provider)
    services_set_enabled(services=Service.objects.filter(pk=one.pk), enabled=False)
    shown = rows(page())
    assert shown[:2] == [("disabled", str(one.pk)), ("rate_up", str(one.pk))]
    assert shown.count(("added", str(one.pk))) == 1


def test_each_kind_filters_and_an_unknown_kind_shows_them_all(page, provider, simulator, catalog):
    simulator.set_service(1, rate="2.00")
    simulator.set_service(2, rate="0.01")
    simulator.remove_service(3)
    catalog_sync(provider=provider)
    for kind in ("rate_up", "rate_down", "removed", "added"):
        shown = rows(page(kind=kind))
        assert shown and {k for k, _ in shown} == {kind}
    assert rows(page(kind="<script>")) == rows(page())
    assert "No updates of this kind yet." in page(kind="enabled")


def test_search_finds_a_service_by_name_or_id_and_keeps_the_kind(page, catalog):
    service = Service.objects.filter(enabled=True).order_by("pk").last()
    assert {sid for _, sid in rows(page(q=str(service.pk)))} == {str(service.pk)}
    by_name = rows(page(q=service.name[:12].upper()))
    assert ("added", str(service.pk)) in by_name
    html = page(q="no such service at all", kind="rate_up")
    assert not rows(html) and "No update of a service matching" in html
    assert 'name="kind" value="rate_up"' in html


def test_prices_are_the_customers_own_with_their_discount_or_custom_rate(
    page, make_customer, provider, simulator, catalog
):
    one = Service.objects.get(provider_service_id=1)
    before = Service.objects.select_related("provider").get(pk=one.pk)
    simulator.set_service(1, rate="2.00")
    catalog_sync(provider=provider)
    after = Service.objects.select_related("provider").get(pk=one.pk)

    discounted = make_customer()
    discounted.discount_percent = Decimal("10")
    discounted.save(update_fields=["discount_percent"])
    html = page(discounted, kind="rate_up", q=str(one.pk))
    was, now = customer_rate(before, discounted), customer_rate(after, discounted)
    assert f"<s>{plain_money(was)}</s> → {plain_money(now)}" in html
    assert "Prices include your 10% discount." in html

    favoured, other = make_customer(), make_customer()
    CustomRate.objects.create(customer=favoured, service=one, markup_percent=Decimal("5"))
    mine = customer_rate(after, favoured)
    assert plain_money(mine) in page(favoured, kind="rate_up", q=str(one.pk))
    # Another customer's custom rate is theirs alone: this one pays the plain rate.
    theirs = page(other, kind="rate_up", q=str(one.pk))
    assert f"→ {plain_money(after.rate)}" in theirs and plain_money(mine) not in theirs


def test_a_service_in_a_hidden_category_is_not_told_of(page, catalog):
    service = Service.objects.filter(enabled=True).order_by("pk").first()
    Category.objects.filter(pk=service.category_id).update(visible=False)
    assert str(service.pk) not in {sid for _, sid in rows(page())}


def test_the_providers_words_are_plain_text(page, catalog):
    service = Service.objects.filter(enabled=True).order_by("pk").first()
    Service.objects.filter(pk=service.pk).update(name='<img src=x onerror="alert(1)">Likes')
    html = page(q="Likes")
    assert "<img src=x" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Likes" in html


def _more_history(service: Service, count: int) -> None:
    PriceHistory.objects.bulk_create(
        [
            PriceHistory(
                service=service,
                provider_rate=service.provider_rate,
                rate=service.rate + i,
                previous_provider_rate=service.provider_rate,
                previous_rate=service.rate + i - 1,
                kind=ServiceUpdate.RATE_UP,
                cause=PriceChange.STAFF,
            )
            for i in range(1, count + 1)
        ]
    )


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


def test_a_page_runs_the_same_number_of_queries_however_many_rows_and_custom_rates(
    client, make_customer, catalog
):
    customer = make_customer()
    client.force_login(customer)
    service = Service.objects.filter(enabled=True).order_by("pk").first()
    _more_history(service, 1)
    few = _queries(client, kind="rate_up")
    _more_history(service, 49)
    for other in Service.objects.filter(enabled=True)[:10]:
        CustomRate.objects.create(customer=customer, service=other, markup_percent=Decimal("3"))
    assert _queries(client, kind="rate_up") == few
    assert few <= 8


def test_pages_go_newest_to_oldest_keeping_the_filter(page, catalog):
    service = Service.objects.filter(enabled=True).order_by("pk").first()
    _more_history(service, 60)
    first = page(kind="rate_up")
    assert len(rows(first)) == 50 and 'href="?kind=rate_up&amp;page=2"' in first
    second = page(kind="rate_up", page=2)
    assert len(rows(second)) == 10 and "Page 2 of 2" in second


def test_the_navigation_links_the_page(page, catalog):
    assert 'href="/updates/" aria-current="page">Updates</a>' in page()
