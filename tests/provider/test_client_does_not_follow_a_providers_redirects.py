"""A provider answering with a redirect gets a clear error naming where it points, and the form (the
key with it) goes nowhere else: 307 and 308 would re-send it to the new address, 301-303 would turn
the POST into a GET without it."""

import re

import pytest

from provider.client import ProviderBadAnswer
from tests.provider.conftest import KEY, Scripted, _serving


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_bad_answer_and_nothing_is_sent_where_it_points(scripted, make_client, status):
    with _serving(Scripted()) as elsewhere:
        elsewhere.reply({"balance": "1.00", "currency": "USD"})
        scripted.reply(b"", status=status, headers={"Location": elsewhere.url})
        client = make_client(scripted.url)

        with pytest.raises(ProviderBadAnswer) as refused:
            client.balance()
        with pytest.raises(ProviderBadAnswer):
            client.add(service=1, link="https://instagram.com/p/x", quantity=100)

        assert f"HTTP {status}" in str(refused.value)
        assert elsewhere.url in str(refused.value)
        assert refused.value.status_code == status
        assert KEY not in str(refused.value)
        assert elsewhere.requests == []
        # Not a server fault: a read is not repeated against a redirect either.
        assert client.calls == 2


def test_a_redirects_body_is_not_read(scripted, make_client):
    """requests reads a redirect's whole body to find its target even when it follows none: a
    provider trickling it held the call to its deadline, an unknown outcome instead of this error."""
    scripted.reply(b"moved " * 50, status=302, headers={"Location": "https://elsewhere.example/"}, pace=0.05)
    client = make_client(scripted.url, connect_timeout=0.2, read_timeout=0.3)

    with pytest.raises(ProviderBadAnswer, match=re.escape("a redirect to 'https://elsewhere.example/'")):
        client.add(service=1, link="https://instagram.com/p/x", quantity=100)
