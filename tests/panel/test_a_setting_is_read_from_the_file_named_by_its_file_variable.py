"""`<NAME>_FILE` reads NAME from a file (as Docker secrets are mounted), for every variable `Env` reads;
set both ways, or naming a file that cannot be read or is empty, it is refused with a clear message."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from panel.env import Env


@pytest.fixture
def secret_file(tmp_path):
    def write(content: str):
        path = tmp_path / "secret"
        path.write_text(content)
        return str(path)

    return write


def test_a_value_comes_from_the_file_without_its_trailing_newline(secret_file):
    env = Env({"SECRET_KEY_FILE": secret_file("s3cret-from-a-file\n")})
    assert env.str("SECRET_KEY") == "s3cret-from-a-file"
    assert env.is_set("SECRET_KEY")


def test_every_reader_takes_the_file(secret_file):
    assert Env({"N_FILE": secret_file("42\n")}).int("N", min=1) == 42
    assert Env({"D_FILE": secret_file("1.5")}).decimal("D") == Decimal("1.5")
    assert Env({"B_FILE": secret_file("true")}).bool("B") is True
    assert Env({"L_FILE": secret_file("a, b")}).list("L") == ["a", "b"]
    assert Env({"R_FILE": secret_file("redis://h:6379/0")}).redis_url("R") == "redis://h:6379/0"
    database = Env({"DATABASE_URL_FILE": secret_file("postgres://u:p%40w@db:5432/panel\n")}).database()
    assert (database["HOST"], database["PASSWORD"], database["NAME"]) == ("db", "p@w", "panel")


def test_a_value_read_from_a_file_is_checked_like_any_other(secret_file):
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number"):
        Env({"N_FILE": secret_file("forty")}).int("N")


def test_a_variable_set_both_ways_is_refused(secret_file):
    with pytest.raises(ImproperlyConfigured, match="Set SECRET_KEY or SECRET_KEY_FILE, not both"):
        Env({"SECRET_KEY": "inline", "SECRET_KEY_FILE": secret_file("from-file")}).str("SECRET_KEY")


def test_a_missing_file_is_refused_naming_it(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(ImproperlyConfigured, match=f"SECRET_KEY_FILE names {missing}, which cannot be read"):
        Env({"SECRET_KEY_FILE": str(missing)}).str("SECRET_KEY", None)


def test_an_empty_file_is_refused_rather_than_read_as_unset(secret_file):
    with pytest.raises(ImproperlyConfigured, match="which is empty"):
        Env({"SECRET_KEY_FILE": secret_file("\n")}).str("SECRET_KEY", "fallback")


def test_a_blank_file_variable_counts_as_unset():
    assert Env({"X_FILE": "  "}).str("X", "fallback") == "fallback"
    assert not Env({"X_FILE": ""}).is_set("X")
