"""The admin's dashboard: orders, revenue, cost and profit for today and 30 days, with a chart."""

from decimal import Decimal

import pytest

from orders.models import Order

pytestmark = pytest.mark.django_db


def test_staff_see_orders_revenue_cost_profit_and_a_chart(
    admin_client, make_customer, refillable, place, provider
):
    customer = make_customer("100")
    first = place(customer, refillable, quantity=1000)
    place(customer, refillable, quantity=500)
    Order.objects.filter(pk=first.pk).update(cost=Decimal("0.5"))
    Order.objects.filter(flagged=False).filter(pk=first.pk).update(flagged=True)
    page = admin_client.get("/admin/dashboard/").content.decode()
    revenue = Order.objects.aggregate(total=__import__("django").db.models.Sum("charge"))["total"]
    from panel.templatetags.panel_site import money

    assert '<dd data-stat="orders">2</dd>' in page
    assert f'<dd data-stat="revenue">{money(revenue)}</dd>' in page
    assert f'<dd data-stat="cost">{money(Decimal("0.5"))}</dd>' in page
    assert f'<dd data-stat="profit">{money(revenue - Decimal("0.5"))}</dd>' in page
    assert page.count('class="revenue"') == 30 and "<svg" in page
    assert "/admin/orders/order/?attention=all" in page
    assert provider.name in page


def test_the_admin_index_links_to_it(admin_client):
    assert 'href="/admin/dashboard/"' in admin_client.get("/admin/").content.decode()


def test_customers_cannot_see_it(logged_in, make_customer):
    response = logged_in(make_customer()).get("/admin/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert logged_in(make_customer()).get(response["Location"]).status_code == 403
