"""An API key exists in clear only in the reseller's hands: the database keeps its SHA-256, and no
log line of a run of API calls (ours at DEBUG, or a server's request line with `?key=`) has it."""

import hashlib
import logging
from urllib.parse import quote_plus

import pytest

from panel.api.logs import MaskApiKeys, install
from panel.models import ApiKey
from tests.api.conftest import VIAS


def test_no_api_key_column_holds_the_key(reseller):
    (row,) = ApiKey.objects.filter(customer=reseller.customer).values()
    assert row["digest"] == hashlib.sha256(reseller.key.encode()).hexdigest()
    for column, value in row.items():
        assert reseller.key not in str(value), column
    assert reseller.key.startswith(row["prefix"]) and len(row["prefix"]) < 12


def test_a_run_of_api_calls_logs_no_key_at_debug_level(
    api, reseller, default_service, new_link, caplog, settings
):
    settings.API_RATE_LIMIT_PER_MINUTE = 5
    caplog.set_level(logging.DEBUG)
    key = reseller.key
    calls = [
        {"key": key, "action": "services"},
        {"key": key, "action": "balance"},
        {"key": key, "action": "add", "service": default_service.pk, "link": new_link(), "quantity": 100},
        {"key": key, "action": "add", "service": default_service.pk, "link": "bad", "quantity": 100},
        {"key": key, "action": "status", "orders": "1,2,x"},
        {"key": key, "action": "nonsense"},  # over the limit of 5 by now
        {"key": key + "0", "action": "balance"},  # a wrong key that contains the right one
        {"key": [key, key], "action": "balance"},
        {"key": key, "action": ["balance", "services"]},
    ]
    for via in VIAS:
        for params in calls:
            if via == "json" and any(isinstance(v, list) for v in params.values()):
                continue
            assert api(params, via).status_code == 200

    assert caplog.records, "the API logs its calls"
    assert any(record.levelno == logging.DEBUG and record.name == "panel.api" for record in caplog.records)
    for secret in (key, quote_plus(key), key[8:]):
        assert secret not in caplog.text
        for record in caplog.records:
            assert secret not in record.getMessage()


@pytest.mark.parametrize(
    "logger, message, args",
    [
        # Django's runserver: the request line with its query string.
        ("django.server", '"%s" %s %s', ("GET /api/v2?key={key}&action=balance HTTP/1.1", "200", "54")),
        # gunicorn's access log: its atoms come as a mapping.
        (
            "gunicorn.access",
            '%(h)s "%(r)s" %(s)s',
            ({"h": "10.0.0.1", "r": "GET /api/v2/?action=status&key={key}&order=1 HTTP/1.1", "s": "200"},),
        ),
        ("django.request", "Bad Request: /api/v2?KEY={key}&action=x", ()),
    ],
)
def test_request_lines_of_servers_have_the_key_hidden(logger, message, args, reseller, caplog):
    install()
    key = reseller.key

    def fill(value):
        if isinstance(value, dict):
            return {name: fill(item) for name, item in value.items()}
        return value.replace("{key}", key)

    target = logging.getLogger(logger)
    # These loggers may not propagate to the root (settings.LOGGING): listen on them directly.
    target.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.DEBUG, logger=logger):
            args = tuple(fill(arg) for arg in args)
            target.warning(fill(message), *args)  # one mapping, as gunicorn logs, or values
    finally:
        target.removeHandler(caplog.handler)
    assert key not in caplog.text
    assert "key=[hidden]" in caplog.text.lower()
    assert "action=" in caplog.text.lower()  # the rest of the line is kept


def test_the_mask_leaves_other_parameters_and_api_key_look_alikes_alone():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "GET /a?monkey=1&key=s3cret&api_key=2", None, None
    )
    MaskApiKeys().filter(record)
    assert record.getMessage() == "GET /a?monkey=1&key=[hidden]&api_key=2"
