"""The panel has an icon: /favicon.ico (which browsers ask for by themselves) leads to the SVG, and
the site's pages and the admin's name it."""

import re

from django.templatetags.static import static


def icon_of(html: str) -> str:
    (href,) = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    return href


def test_favicon_ico_leads_to_the_svg(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[0][0] == static("favicon.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"".join(response.streaming_content).startswith(b"<svg")


def test_the_sites_pages_name_the_icon(client, customer):
    assert icon_of(client.get("/login/").content.decode()) == static("favicon.svg")
    client.force_login(customer)
    assert icon_of(client.get("/dashboard/").content.decode()) == static("favicon.svg")


def test_the_admins_pages_name_the_icon(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert icon_of(page.content.decode()) == static("favicon.svg")
