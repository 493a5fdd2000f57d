"""blocklist_match answers "is this blocked, and by which rule" in one query, whatever it is asked,
through the (kind, value) and network indexes rather than a scan of the rules; nothing asked, no
query. An e-mail matches itself and its domains, an address the networks holding it, a link itself."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fraud.models import BlockKind, BlockRule
from fraud.services import blocklist_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(block):
    return {
        "email": block(BlockKind.EMAIL, "bad@example.com"),
        "domain": block(BlockKind.EMAIL_DOMAIN, "spam.example"),
        "net4": block(BlockKind.IP, "203.0.113.0/24"),
        "net6": block(BlockKind.IP, "2001:db8::/32"),
        "link": block(BlockKind.LINK, "https://instagram.com/p/stolen"),
    }


@pytest.mark.parametrize(
    ("asked", "rule"),
    [
        ({"email": "BAD@example.com"}, "email"),
        ({"email": "a@spam.example"}, "domain"),
        ({"email": "a@deep.eu.spam.example"}, "domain"),
        ({"ip": "203.0.113.200"}, "net4"),
        ({"ip": "2001:db8:1:2::"}, "net6"),  # panel.clientip's /64 of an IPv6 client
        ({"link": "https://instagram.com/p/stolen"}, "link"),
        (
            {"email": "good@example.com", "ip": "198.51.100.1", "link": "https://instagram.com/p/stolen"},
            "link",
        ),
        ({"email": "good@example.com", "ip": "198.51.100.1", "link": "https://instagram.com/p/mine"}, None),
        ({"email": "a@notspam.example", "ip": "unknown"}, None),
        ({"email": "a@example.com.spam"}, None),
    ],
)
def test_each_kind_matches_in_one_query(rules, asked, rule):
    with CaptureQueriesContext(connection) as captured:
        found = blocklist_match(**asked)
    assert found == (rules[rule] if rule else None)
    assert len(captured.captured_queries) == 1


def test_nothing_asked_is_no_query(rules):
    with CaptureQueriesContext(connection) as captured:
        assert blocklist_match(email=None, ip="unknown", link="") is None
    assert captured.captured_queries == []


def test_a_long_blocklist_is_read_through_its_indexes(db):
    BlockRule.objects.bulk_create(
        [BlockRule(kind=BlockKind.EMAIL, value=f"user{i}@example.com", reason="bulk") for i in range(3000)]
        + [
            BlockRule(kind=BlockKind.IP, value=network, network=network, reason="bulk")
            for network in (f"10.{i // 256}.{i % 256}.0/24" for i in range(3000))
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE fraud_blockrule")
    with CaptureQueriesContext(connection) as captured:
        blocklist_match(email="user7@example.com", ip="10.3.4.5", link="https://instagram.com/p/x")
    (sql,) = [q["sql"] for q in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    assert "blockrule_network_gist" in plan and "blockrule_kind_value_unique" in plan, plan
