import re

import pytest
from django.core import mail
from django.core.cache import cache

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_signs_up_confirms_the_e_mailed_code_logs_out_and_in_again(live_server, open_page):
    cache.clear()  # allauth's rate limits count in the cache
    page = open_page()
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Email").fill("Newcomer@Example.com")
    page.get_by_label("Password", exact=True).fill("a-Long-pass-2024")
    page.get_by_label("Password (again)").fill("a-Long-pass-2024")
    page.locator("main").get_by_role("button", name="Sign Up").click()

    # Mandatory verification: a code by e-mail, typed on the page the customer is on.
    page.wait_for_url(re.compile(r".*/account/confirm-email/$"))
    assert mail.outbox and mail.outbox[-1].to == ["newcomer@example.com"]
    code = re.search(r"browser window\.\s+(\S+)", mail.outbox[-1].body).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.locator("#stat-balance").inner_text() == "0.00 USD"

    page.get_by_role("button", name="Sign out").last.click()
    page.wait_for_url(re.compile(r".*/(login|account/logout)/.*"))
    if "/logout/" in page.url:  # allauth asks to confirm a logout reached by GET
        page.get_by_role("button", name="Sign Out").click()
    page.goto(f"{live_server.url}/dashboard/")
    assert "/login/" in page.url

    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password").fill("a-Long-pass-2024")
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.csp_errors == []


def test_a_wrong_password_is_refused_with_a_message(live_server, open_page, make_customer):
    cache.clear()
    customer = make_customer("0")
    page = open_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(customer.email)
    page.get_by_label("Password").fill("not-the-password")
    page.locator("main").get_by_role("button", name="Sign In").click()
    assert page.get_by_role("alert").filter(has_text="not correct").is_visible()
    assert "/login/" in page.url or "/account/login/" in page.url
