# Two commands matter: `make run` and `make test` (see README.md). Both work from a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test install system-deps lint check bench backup user-guide clean

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

# The report's fonts prepared (as a deployment does: reports/fonts.py), the PDF against bare
# WeasyPrint, then every page against the admin at BENCH_ROWS rows on PostgreSQL
# (BENCH_DATABASE_URL, created afresh); the table goes to var/bench.md.
BENCH_ROWS ?= 10000
BENCH_ARGS ?= --gunicorn 10
bench: install system-deps
	mkdir -p var
	DEBUG=True $(BIN)/python manage.py prepare_fonts
	DEBUG=True $(BIN)/python tests/bench/bench_report.py | tee var/bench-report.txt
	$(BIN)/python tests/bench/bench_pages.py --rows $(BENCH_ROWS) --report-output var/bench-report.txt $(BENCH_ARGS)

# The database and the media files in one dated archive under BACKUP_DIR (docs/deploy.md).
backup: install
	DEBUG=$${DEBUG:-True} $(BIN)/python manage.py backup

# The screenshots of docs/user-guide.md, taken by the browser tests that walk its tasks.
user-guide: install system-deps
	PYTHON=$(BIN)/python scripts/user-guide.sh

clean:
	rm -rf $(VENV) var/db.sqlite3 .pytest_cache
