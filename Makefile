# Two commands matter: `make run` and `make test` (see README.md). Both work from a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test install system-deps lint check bench backup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependencies change.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(INSTALLED)

system-deps:
	scripts/system-deps.sh

run: install
	-scripts/system-deps.sh
	DEBUG=$${DEBUG:-True} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-True} $(BIN)/python manage.py load_demo --once
	DEBUG=$${DEBUG:-True} $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install system-deps
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	DEBUG=True $(BIN)/python manage.py check --fail-level ERROR
	DEBUG=True $(BIN)/python manage.py makemigrations --check --dry-run

bench: install system-deps
	DEBUG=True $(BIN)/python tests/bench/bench_report.py

# The database and the media files in one dated archive under BACKUP_DIR (docs/deploy.md).
backup: install
	DEBUG=$${DEBUG:-True} $(BIN)/python manage.py backup

clean:
	rm -rf $(VENV) var/db.sqlite3 .pytest_cache
