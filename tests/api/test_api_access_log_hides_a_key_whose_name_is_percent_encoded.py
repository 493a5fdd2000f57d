"""The query parser decodes parameter names, so `%6Bey=<key>` or `k%65y=<key>` is the key and the
call authenticates: the log mask decodes names too and hides the value of every parameter named
`key` once decoded (in any case, after `?`, `&` or `;`), in every text of a record it sees, while
the rest of the line is kept."""

import logging

import pytest

from panel.api.logs import install

SPELLINGS = ["%6Bey", "k%65y", "%6b%65%79", "KEY", "Key"]


def _log_through(logger_name, caplog, message, *args):
    target = logging.getLogger(logger_name)
    # These loggers may not propagate to the root (settings.LOGGING): listen on them directly.
    target.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.DEBUG, logger=logger_name):
            target.info(message, *args)
    finally:
        target.removeHandler(caplog.handler)


@pytest.mark.parametrize("name", ["%6Bey", "k%65y", "%6b%65%79"])
def test_a_percent_encoded_key_name_authenticates(client, reseller, name):
    reply = client.get("/api/v2", QUERY_STRING=f"{name}={reseller.key}&action=balance")
    assert "balance" in reply.json()


@pytest.mark.parametrize("name", SPELLINGS)
@pytest.mark.parametrize("separator", ["?", "?action=balance&", "?action=balance;"])
def test_a_request_line_with_any_spelling_of_key_has_it_hidden(reseller, caplog, name, separator):
    install()
    line = f"GET /api/v2{separator}{name}={reseller.key}&order=1 HTTP/1.1"

    _log_through("django.server", caplog, '"%s" %s %s', line, "200", "54")
    _log_through("gunicorn.access", caplog, '%(h)s "%(r)s" %(s)s', {"h": "10.0.0.1", "r": line, "s": "200"})
    _log_through("django.request", caplog, f"Bad Request: {line}")

    assert {record.name for record in caplog.records} == {
        "django.server",
        "gunicorn.access",
        "django.request",
    }
    for record in caplog.records:
        text = record.getMessage()
        assert reseller.key not in text
        assert f"{name}=[hidden]" in text and "order=1" in text
    assert reseller.key not in caplog.text


def test_a_whole_call_with_an_encoded_key_name_logs_no_key(client, reseller, caplog):
    install()
    caplog.set_level(logging.DEBUG)
    client.get("/api/v2", QUERY_STRING=f"%6Bey={reseller.key}&action=nonsense")
    _log_through(
        "django.server", caplog, '"%s" %s %s', f"GET /api/v2?%6Bey={reseller.key}&action=x", "200", "9"
    )

    assert caplog.records
    assert reseller.key not in caplog.text
    for record in caplog.records:
        assert reseller.key not in record.getMessage()


def test_look_alikes_keep_their_values():
    from panel.api.logs import mask

    assert mask("GET /a?monkey=1&api_key=2&keys=3&k%65y=s3cret") == (
        "GET /a?monkey=1&api_key=2&keys=3&k%65y=[hidden]"
    )


def test_a_query_inside_another_parameters_value_is_masked_too():
    from panel.api.logs import mask

    assert mask("GET /a=1?k%65y=s3cret&b=2 HTTP/1.1") == "GET /a=1?k%65y=[hidden]&b=2 HTTP/1.1"
    assert mask("link=https://x.example/?key=s3cret") == "link=https://x.example/?key=[hidden]"
