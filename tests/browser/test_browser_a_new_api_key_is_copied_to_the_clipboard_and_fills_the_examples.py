"""/account/api/ in Chromium: a customer creates a key, the page shows it once with a copy button
(our static script, no CSP violation) that puts exactly that key on the clipboard, the examples
carry the key, and choosing a language opens it in every form. A later visit shows neither."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_key_is_copied_exactly_and_shown_only_once(
    live_server, open_page, log_in, make_customer, catalog
):
    customer = make_customer()
    page = open_page(permissions=["clipboard-read", "clipboard-write"])
    log_in(page, customer.email)
    page.goto(f"{live_server.url}/account/api/")
    page.get_by_role("button", name="Create a key").click()
    # A key asks for the password again; allauth then runs the kept POST.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    shown = page.locator("#new-api-key")
    expect(shown).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    key = shown.inner_text().strip()
    page.get_by_role("button", name="Copy the key").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key

    curl = page.locator("#balance-balance details[data-language=curl]")
    expect(curl).to_have_attribute("open", "")
    expect(curl).to_contain_text(f"key={key}")

    # One language for every form: PHP opens everywhere, curl closes.
    chooser = page.locator(".example-languages")
    chooser.get_by_role("button", name="PHP").click()
    expect(chooser.get_by_role("button", name="PHP")).to_have_attribute("aria-pressed", "true")
    expect(chooser.get_by_role("button", name="curl")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("details[data-language=PHP]:not([open])")).to_have_count(0)
    expect(page.locator("details[data-language=curl][open]")).to_have_count(0)
    assert page.csp_errors == []

    page.goto(f"{live_server.url}/account/api/")
    expect(page.locator("#new-api-key")).to_have_count(0)
    assert key not in page.content()
    assert "YOUR_API_KEY" in page.content()
