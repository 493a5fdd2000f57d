"""The API page's key management (/account/api/, signed-in customers only) makes a key and shows
it once, shows its prefix and when it was made and last used, regenerates it (the old one stops at
once) and revokes it. Its forms are CSRF-protected: a POST without the token is 403 and changes nothing."""

from panel.models import ApiKey
from tests.api.conftest import shown_key

URL = "/account/api/"


def works(client, key: str) -> bool:
    return "balance" in client.post("/api/v2", {"key": key, "action": "balance"}).json()


def test_a_customer_without_a_key_is_offered_one(browser):
    page = browser.get(URL)
    assert page.status_code == 200
    assert b"You have no API key." in page.content and b"Create a key" in page.content
    assert shown_key(page) is None


def test_creating_shows_the_key_once_and_then_only_its_prefix(browser, customer, client):
    created = browser.post_with_token({"do": "create"})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    key = shown_key(created)
    assert key and works(client, key)
    row = ApiKey.objects.get(customer=customer, revoked_at__isnull=True)
    assert key.startswith(row.prefix)

    client.post("/api/v2", {"key": key, "action": "balance"})
    again = browser.get(URL)
    assert shown_key(again) is None and key not in again.content.decode()
    html = again.content.decode()
    assert f"{row.prefix}…" in html
    assert "Last used" in html and "never" not in html.split("Last used")[1][:200]


def test_regenerating_replaces_the_key_and_the_old_one_stops(browser, customer, client):
    first = shown_key(browser.post_with_token({"do": "create"}))
    second = shown_key(browser.post_with_token({"do": "create"}))
    assert first and second and first != second
    assert not works(client, first) and works(client, second)
    assert ApiKey.objects.filter(customer=customer, revoked_at__isnull=True).count() == 1


def test_revoking_stops_the_key(browser, customer, client):
    key = shown_key(browser.post_with_token({"do": "create"}))
    revoked = browser.post_with_token({"do": "revoke"})
    assert revoked.status_code == 302 and revoked["Location"] == URL
    assert not works(client, key)
    page = browser.get(URL)
    assert b"You have no API key." in page.content and b"revoked" in page.content


def test_a_post_without_the_csrf_token_is_forbidden_and_changes_nothing(browser, customer):
    browser.post_with_token({"do": "create"})
    (before,) = ApiKey.objects.filter(customer=customer).values_list("digest", "revoked_at")
    for action in ("create", "revoke"):
        assert browser.post(URL, {"do": action}).status_code == 403
    assert list(ApiKey.objects.filter(customer=customer).values_list("digest", "revoked_at")) == [before]


def test_an_unknown_post_is_a_bad_request(browser):
    assert browser.post_with_token({"do": "steal"}).status_code == 400


def test_a_key_is_shown_to_its_owner_only(browser, make_customer):
    stranger = make_customer()
    from panel.apikeys import api_key_create

    row, _ = api_key_create(customer=stranger)
    page = browser.get(URL).content.decode()
    assert row.prefix not in page
