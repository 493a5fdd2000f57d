"""The blocklist's admin form stores each value as the checks compare it (e-mail and domain
lower-cased, an address or network in its short form, a link as orders keep it) and answers a bad
value (an invalid IP or network, an empty value, a link orders refuse, a duplicate) with a form error,
never a 500. Only Finance and Owner may add rules; Support reads them."""

import pytest

from fraud.models import BlockKind, BlockRule
from panel.roles import FINANCE, OPERATOR, SUPPORT

pytestmark = pytest.mark.django_db

ADD = "/admin/fraud/blockrule/add/"


@pytest.fixture
def finance(client, make_staff_with_role):
    member = make_staff_with_role(FINANCE)
    client.force_login(member)
    return member


@pytest.mark.parametrize(
    ("kind", "typed", "kept"),
    [
        (BlockKind.EMAIL, " Fraud@Example.COM ", "fraud@example.com"),
        (BlockKind.EMAIL_DOMAIN, "@Spam.Example.", "spam.example"),
        (BlockKind.IP, "203.0.113.7", "203.0.113.7"),
        (BlockKind.IP, "10.1.2.3/8", "10.0.0.0/8"),
        (BlockKind.IP, "2001:DB8::/32", "2001:db8::/32"),
        (BlockKind.LINK, " https://instagram.com/p/abc ", "https://instagram.com/p/abc"),
    ],
)
def test_a_rule_is_kept_normalized_with_who_made_it(client, finance, kind, typed, kept):
    response = client.post(ADD, {"kind": kind, "value": typed, "reason": "seen in chargebacks"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule = BlockRule.objects.get()
    assert (rule.kind, rule.value, rule.created_by) == (kind, kept, finance)


@pytest.mark.parametrize(
    ("kind", "typed", "said"),
    [
        (BlockKind.IP, "300.1.2.3", "Enter an IP address"),
        (BlockKind.IP, "10.0.0.0/99", "Enter an IP address"),
        (BlockKind.IP, "not an address", "Enter an IP address"),
        (BlockKind.EMAIL, "nobody", "Enter a valid email address"),
        (BlockKind.EMAIL_DOMAIN, "spa m", "Enter a domain"),
        (BlockKind.LINK, "instagram.com/p/abc", "Enter the full link"),
        (BlockKind.EMAIL, "   ", "This field is required"),
        ("nonsense", "x@example.com", "Select a valid choice"),
    ],
)
def test_a_bad_value_is_a_form_error(client, finance, kind, typed, said):
    response = client.post(ADD, {"kind": kind, "value": typed, "reason": "r"})
    assert response.status_code == 200
    assert said in response.content.decode()
    assert not BlockRule.objects.exists()


def test_a_value_already_blocked_is_a_form_error(client, finance, block):
    block(BlockKind.IP, "203.0.113.0/24")
    response = client.post(ADD, {"kind": BlockKind.IP, "value": "203.0.113.9/24", "reason": "again"})
    assert response.status_code == 200
    assert "This value is already blocked." in response.content.decode()
    assert BlockRule.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), [(SUPPORT, 403), (OPERATOR, 403)])
def test_only_finance_and_owner_add_rules(client, make_staff_with_role, role, status):
    client.force_login(make_staff_with_role(role))
    response = client.post(ADD, {"kind": BlockKind.IP, "value": "203.0.113.7", "reason": "r"})
    assert response.status_code == status
    assert not BlockRule.objects.exists()


def test_support_reads_the_blocklist(client, make_staff_with_role, block):
    block(BlockKind.LINK, "https://instagram.com/p/abc")
    client.force_login(make_staff_with_role(SUPPORT))
    assert b"https://instagram.com/p/abc" in client.get("/admin/fraud/blockrule/").content
