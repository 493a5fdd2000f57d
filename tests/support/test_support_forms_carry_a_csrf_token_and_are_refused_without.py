"""Every POST form of the support pages and the ticket's admin page carries a CSRF token, and its
target refuses a post without one (and changes nothing)."""

import re

import pytest
from django.test import Client

from support.models import Message
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db

_FORM = re.compile(
    r'<form method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"'
)


def _targets(client, url) -> set[str]:
    page = client.get(url).content.decode()
    assert page.count('<form method="post"') == len(_FORM.findall(page)), url
    return set(_FORM.findall(page))


def test_support_forms_need_the_token(make_customer, completed_order, open_ticket, django_user_model):
    customer = make_customer()
    ticket = open_ticket(customer, completed_order(customer=customer))
    staff = with_totp(
        django_user_model.objects.create_superuser(email="csrf-desk@example.com", password="pw")
    )
    browser, strict, desk, strict_desk = (
        Client(),
        Client(enforce_csrf_checks=True),
        Client(),
        Client(enforce_csrf_checks=True),
    )
    for client, user in ((browser, customer), (strict, customer), (desk, staff), (strict_desk, staff)):
        client.force_login(user)

    mine = _targets(browser, "/support/new/") | _targets(browser, f"/support/{ticket.pk}/")
    assert {"/support/new/", f"/support/{ticket.pk}/reply/", f"/support/{ticket.pk}/close/"} <= mine
    staff_targets = _targets(desk, f"/admin/support/ticket/{ticket.pk}/change/")
    assert f"/admin/support/ticket/{ticket.pk}/reply/" in staff_targets
    assert any(target.endswith("/refill/") for target in staff_targets)

    for action in sorted(mine):
        assert strict.post(action, {"subject": "other", "message": "x"}).status_code == 403, action
    for action in sorted(staff_targets):
        assert strict_desk.post(action, {"message": "x"}).status_code == 403, action
    assert Message.objects.count() == 1
