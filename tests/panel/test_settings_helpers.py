from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from panel.env import Env


@pytest.mark.parametrize(
    "raw, expected", [("true", True), ("1", True), ("On", True), ("no", False), ("0", False)]
)
def test_bool_reads_the_usual_spellings(raw, expected):
    assert Env({"X": raw}).bool("X") is expected


@pytest.mark.parametrize("raw", ["ture", "2", "yes please"])
def test_bool_refuses_anything_else_naming_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        Env({"DEBUG": raw}).bool("DEBUG")


def test_missing_value_without_default_is_refused():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        Env({}).str("SECRET_KEY")


def test_blank_value_counts_as_unset():
    assert Env({"X": "  "}).str("X", "fallback") == "fallback"


def test_int_refuses_words_and_out_of_range_values():
    assert Env({"P": "8000"}).int("P", min=1, max=65535) == 8000
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        Env({"P": "eighty"}).int("P")
    with pytest.raises(ImproperlyConfigured, match="at most 65535"):
        Env({"P": "70000"}).int("P", min=1, max=65535)
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        Env({"P": "0"}).int("P", min=1)


def test_decimal_is_exact_and_refuses_nan_and_words():
    assert Env({"M": "12.5"}).decimal("M") == Decimal("12.5")
    for bad in ("NaN", "Infinity", "twelve"):
        with pytest.raises(ImproperlyConfigured, match="M must be"):
            Env({"M": bad}).decimal("M")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        Env({"M": "-1"}).decimal("M", min=Decimal(0))


def test_list_splits_on_commas_and_drops_blanks():
    assert Env({"H": "a.example, b.example,,"}).list("H") == ["a.example", "b.example"]


def test_choice_refuses_values_outside_the_choices():
    with pytest.raises(ImproperlyConfigured, match="one of DEBUG, INFO"):
        Env({"L": "LOUD"}).choice("L", ("DEBUG", "INFO"))


def test_database_url_must_be_postgres():
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL only"):
        Env({"DATABASE_URL": "sqlite:///db.sqlite3"}).database()
    with pytest.raises(ImproperlyConfigured, match="must be set"):
        Env({}).database()


def test_database_url_decodes_a_socket_directory_host():
    config = Env({"DATABASE_URL": "postgres://postgres@%2Ftmp%2Fpg:5432/panel"}).database()
    assert config["HOST"] == "/tmp/pg"
    assert config["NAME"] == "panel"


def test_redis_url_refuses_other_schemes():
    assert Env({"R": "redis://127.0.0.1:6379/0"}).redis_url("R") == "redis://127.0.0.1:6379/0"
    assert Env({}).redis_url("R", None) is None
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        Env({"R": "http://127.0.0.1:6379"}).redis_url("R")
