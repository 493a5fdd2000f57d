"""`/api/rest/docs/` in Chromium: Swagger UI renders every operation from our own static files under
the site's CSP (no violation reported), and a reseller can authorize with a key and call the API."""

import pytest
import requests
from playwright.sync_api import expect

from panel.apikeys import api_key_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reference_renders_and_calls_the_api_with_a_key(
    live_server, open_page, make_customer, screenshot
):
    customer = make_customer("12.5")
    _, key = api_key_create(customer=customer)
    page = open_page()
    page.goto(live_server.url + "/api/rest/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("REST API")
    schema = requests.get(live_server.url + "/api/rest/schema/?format=json", timeout=30).json()
    expect(page.locator(".opblock")).to_have_count(sum(map(len, schema["paths"].values())))
    screenshot(page, "rest-api-docs")

    page.locator("button.authorize").first.click()
    bearer = page.locator(".auth-container").filter(has_text="bearerAuth")
    bearer.locator("input").fill(key)
    bearer.locator("button.authorize").click()
    bearer.locator("button.btn-done").click()

    balance = page.locator("#operations-balance-balance_retrieve")
    balance.locator(".opblock-summary").click()
    balance.get_by_role("button", name="Try it out").click()
    balance.get_by_role("button", name="Execute").click()
    live = balance.locator(".live-responses-table")
    expect(live.locator("td.response-col_status").last).to_have_text("200")
    expect(live.locator(".microlight").first).to_contain_text("12.50000")
    assert page.csp_errors == []
