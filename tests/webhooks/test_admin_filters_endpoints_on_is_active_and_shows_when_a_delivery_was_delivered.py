"""is_active and delivered_at are derived (from disabled_at, and from a delivered delivery's last
attempt), yet the admin shows, filters and sorts them as the columns they were."""

import re

from django.utils import formats, timezone

from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.services import webhook_deliveries_send, webhook_endpoint_disable, webhook_test_send


def _urls(page: str) -> list[str]:
    return re.findall(r'<td class="field-url"><a href="[^"]*">([^<]+)</a>', page)


def test_endpoints_are_filtered_and_sorted_on_is_active(
    client, admin_user, make_customer, make_receiver, make_endpoint
):
    on, off = (make_endpoint(make_customer(), make_receiver()) for _ in range(2))
    webhook_endpoint_disable(endpoint=off)
    client.force_login(admin_user)
    url = "/admin/webhooks/webhookendpoint/"

    assert _urls(client.get(url, {"is_active__exact": "1"}).content.decode()) == [on.url]
    assert _urls(client.get(url, {"is_active__exact": "0"}).content.decode()) == [off.url]
    listed = client.get(url).content.decode()
    assert 'href="?is_active__exact=0"' in listed and "By is active" in listed
    assert _urls(client.get(url, {"o": "4"}).content.decode()) == [off.url, on.url]  # False first
    assert _urls(client.get(url, {"o": "-4"}).content.decode()) == [on.url, off.url]
    change = client.get(f"{url}{off.pk}/change/").content.decode()
    assert re.search(r'field-is_active.*?<img src="[^"]*icon-no\.svg" alt="False">', change, re.S)


def test_a_delivered_deliverys_page_shows_its_last_attempt_as_delivered_at(
    client, admin_user, make_customer, receiver, make_endpoint
):
    endpoint = make_endpoint(make_customer(), receiver)
    delivered, pending = webhook_test_send(endpoint=endpoint), webhook_test_send(endpoint=endpoint)
    webhook_deliveries_send(ids=[delivered.pk])
    delivered.refresh_from_db()
    assert delivered.state == DeliveryState.DELIVERED
    assert delivered.delivered_at == delivered.last_attempt_at is not None
    assert WebhookDelivery.objects.get(pk=pending.pk).delivered_at is None
    client.force_login(admin_user)

    def shown(delivery: WebhookDelivery) -> str:
        page = client.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/").content.decode()
        (value,) = re.findall(r'field-delivered_at.*?<div class="readonly">(.*?)</div>', page, re.S)
        return value

    assert shown(delivered) == formats.localize(timezone.template_localtime(delivered.last_attempt_at))
    assert shown(pending) == "-"
