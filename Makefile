# The two commands of the README: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: setup run run-chain test test-all lint format bench backup stop-db clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Development defaults; real environment variables always win over this file.
.env:
	printf 'DEBUG=true\n' > .env

setup: $(VENV)/.installed .env
	$(PY) manage.py migrate --noinput --verbosity 0

run: setup
	$(PY) manage.py runpanel

# A demo of two panels in a chain: this one on PORT, and panel B on PORT + 1 selling its services.
run-chain: setup
	$(PY) manage.py runpanel --chain

test: $(VENV)/.installed .env
	$(PY) -m pytest -m "not slow"

test-all: $(VENV)/.installed .env
	$(PY) -m pytest

# Benchmarks on a database of their own (panel_bench, created afresh); BENCH_QUICK=1 for smaller sizes.
bench: $(VENV)/.installed .env
	$(PY) -m benchmarks

# A dump of the database (the embedded one in development) into .data/backups, the newest 14 kept.
backup: $(VENV)/.installed .env
	$(PY) manage.py backup --keep 14

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

stop-db: $(VENV)/.installed
	$(PY) -m panel.embedded_db stop

clean: stop-db
	rm -rf .data $(VENV)
