"""The site names signing in one way: "Sign in", "Sign out", "Sign up" (allauth's words), never
"Log in", "Log out", "Login" or "Signup", in what a customer reads: the text, the page titles and
the labels of the pages about signing in and of the site signed in and out."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache

from tests.site.pages import ACCOUNT_PAGES, CUSTOMER_PAGES, PUBLIC_PAGES

OTHER_WORDING = re.compile(r"\b(log[ -]?in|log[ -]?out|logged|signup)\b", re.IGNORECASE)
# The attributes a person reads or hears (a screen reader reads aria-label and title).
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "value"}
SIGNED_OUT_PAGES = ["/login/", "/signup/", "/account/password/reset/", *PUBLIC_PAGES]


class _Readable(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        hidden = tag == "input" and dict(attrs).get("type") == "hidden"
        self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value and not hidden]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def other_wording(response) -> list[str]:
    assert response.status_code == 200, response
    reader = _Readable()
    reader.feed(response.content.decode())
    return [part.strip() for part in reader.parts if OTHER_WORDING.search(part)]


@pytest.mark.parametrize("path", SIGNED_OUT_PAGES)
def test_the_pages_of_a_visitor_say_sign_in(client, path):
    assert other_wording(client.get(path)) == []


@pytest.mark.parametrize("path", [*CUSTOMER_PAGES, *ACCOUNT_PAGES, "/logout/", "/account/reauthenticate/"])
def test_the_pages_of_a_signed_in_customer_say_sign_out(client, customer, path):
    client.force_login(customer)
    assert other_wording(client.get(path)) == []


def test_the_refusal_after_failed_attempts_says_sign_in(client, make_customer):
    customer = make_customer()
    cache.clear()
    for _ in range(6):
        refused = client.post("/login/", {"login": customer.email, "password": "wrong-one"})
    cache.clear()
    assert "Too many failed attempts to sign in" in refused.content.decode()
    assert other_wording(refused) == []


def title_of(response) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1].split())


def test_the_header_the_menu_and_the_titles_use_the_words(client, customer, settings):
    settings.PANEL_NAME = "Panel"
    login = client.get("/login/")
    assert '<a href="/login/">Sign in</a>' in login.content.decode()
    assert title_of(login) == "Sign In · Panel" and title_of(client.get("/signup/")) == "Sign Up · Panel"
    client.force_login(customer)
    assert 'class="link-button">Sign out</button>' in client.get("/dashboard/").content.decode()
