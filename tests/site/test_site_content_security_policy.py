"""A strict Content-Security-Policy, and pages that need nothing more: no inline script or style."""

import re

import pytest

from tests.site.pages import ACCOUNT_PAGES, CUSTOMER_PAGES

pytestmark = pytest.mark.django_db

PAGES = CUSTOMER_PAGES + ACCOUNT_PAGES


def test_every_response_carries_the_policy(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy


def test_the_admin_keeps_scripts_strict(admin_client):
    policy = admin_client.get("/admin/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy


@pytest.mark.parametrize("url", PAGES)
def test_customer_pages_have_no_inline_script_or_style(logged_in, make_customer, catalog, url):
    html = logged_in(make_customer()).get(url).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    # A script either loads a file or is data (allauth's JSON), never code.
    assert scripts and all(
        "src=" in attributes or 'type="application/json"' in attributes for attributes in scripts
    ), url
    assert "<style" not in html, url
    assert not re.search(r"\sstyle=", html), url
    assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers
    assert "hx-on" not in html, url


def test_visitor_pages_have_no_inline_script(client):
    for url in ["/login/", "/signup/", "/account/password/reset/"]:
        html = client.get(url).content.decode()
        scripts = re.findall(r"<script\b([^>]*)>", html)
        assert all(
            "src=" in attributes or 'type="application/json"' in attributes for attributes in scripts
        ), url
