"""The test gateway's pay page and index escape every value a request brought them."""

from __future__ import annotations

import requests

from payments.testgateway_server import TestGatewayServer

HOSTILE = "<script>alert(1)</script>'\""


def test_the_pay_page_and_the_index_escape_the_reference_description_and_urls():
    with TestGatewayServer("s3cret") as server:
        created = requests.post(
            f"{server.url}/v1/payments",
            json={
                "amount": "5.00",
                "currency": "usd",
                "reference": HOSTILE,
                "description": HOSTILE,
                "success_url": "https://panel.test/ok?x='><script>1</script>",
                "cancel_url": "https://panel.test/no",
                "notify_url": "http://127.0.0.1:9/",
            },
            headers={"Authorization": "Bearer s3cret"},
            timeout=10,
        )
        assert created.status_code == 201
        payment = created.json()
        assert (payment["amount"], payment["currency"]) == ("5.00", "USD")
        for page in (
            requests.get(payment["pay_url"], timeout=10).text,
            requests.get(f"{server.url}/", timeout=10).text,
        ):
            assert "<script>" not in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;&#x27;&quot;" in page
        server.pay(server.get(payment["id"]))
        paid_page = requests.get(payment["pay_url"], timeout=10).text
        assert "<script>" not in paid_page and "&#x27;&gt;&lt;script&gt;" in paid_page
