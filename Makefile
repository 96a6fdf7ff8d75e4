# Samen: two commands for a new user.
#   make run   set up everything and serve the platform on SQLite at http://127.0.0.1:8000
#   make test  set up everything and run every quality gate and the whole test suite
# and for a developer's inner loop:
#   make check   lint, type check, duplicate code and the SQLite-marked tests (a few minutes)
#   make format  format the code and apply ruff's safe fixes
#   make lock    refresh requirements.lock from pyproject.toml (after changing a dependency)
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
SAMEN := $(BIN)/samen
HOST ?= 127.0.0.1
PORT ?= 8000
PGDIR ?= /tmp/samen-pgtest-$(shell id -u)
PGPORT ?= 54329
PYTEST_WORKERS ?= 2
export SAMEN_VAR_DIR ?= $(CURDIR)/var

.PHONY: help install lock system-deps run serve test check format lint typecheck duplicates migrations-check openapi openapi-check pytest-postgres pytest-sqlite pytest-fast pins bench clean

# Modules mypy checks in `make check` (configuration in pyproject.toml [tool.mypy]): the pure
# modules strictly, and the services that type-check cleanly (check_untyped_defs). Add a
# services module here once `$(BIN)/mypy src/samen/<app>/services.py` is clean.
MYPY_STRICT := $(addprefix src/samen/,core/money.py core/dates.py core/bulk.py core/clock.py \
	core/text.py core/errors.py core/params.py abonnementen/tarieven.py abonnementen/kenmerk.py \
	gemeenten/rules.py gemeenten/importing.py portfolio/ranking.py portfolio/businesscase.py \
	fonds/contributions.py web/charts.py inning/camt.py aanbieders/bestanden.py \
	ledenvergadering/tally.py financiering/verdeling.py overeenkomsten/campagne.py gremia/regels.py)
MYPY_SERVICES := $(addprefix src/samen/,aanbieders/services.py accounts/services.py audit/services.py \
	besluiten/services.py gemeenten/services.py deelnames/services fonds/services meldingen/services.py)
# Duplicate-code ceiling: jscpd's pairs of copied code (6+ lines, 50+ tokens) in src/ without
# migrations on 2026-12-03 (9 at 13:05 UTC, 8 at 13:35 as issue 15 removed one). `make check`
# fails above it; lower it when you remove a copy.
DUPLICATES_MAX ?= 7
CHECK_MARK ?= sqlite

help:
	@echo "make run    - install, migrate SQLite, load CBS data and demo content, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install, lint, check migrations and OpenAPI, run the suite on PostgreSQL and SQLite"
	@echo "make check  - lint, type check, duplicate code and the SQLite-marked tests (the fast loop)"
	@echo "make format - ruff format and ruff check --fix"
	@echo "make lock   - refresh requirements.lock from pyproject.toml"
	@echo "make bench  - run the benchmarks in bench/"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The locked versions (requirements.lock, all dependencies with the dev extra), then the project
# itself without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# uv resolves for every platform (--universal) and Python 3.11; the lock lists what installs.
lock: | $(BIN)/activate
	$(BIN)/pip install --quiet 'uv>=0.9'
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal \
	  --annotation-style line --quiet -o requirements.lock
	@echo "requirements.lock refreshed: review the diff, then make install"

# Debian packages the tests need: Chromium for the browser tests, the PostgreSQL 15 server.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "please install:$$missing (apt-get install$$missing)"; exit 1; fi; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(SAMEN_VAR_DIR):
	mkdir -p $@

run: install | $(SAMEN_VAR_DIR)
	SAMEN_HTTPS=false $(SAMEN) migrate --no-input -v0
	SAMEN_HTTPS=false $(SAMEN) load-register
	SAMEN_HTTPS=false $(SAMEN) load-demo
	SAMEN_HTTPS=false $(SAMEN) collectstatic --no-input -v0
	@echo "Samen draait op http://$(HOST):$(PORT)/  (beheer: /admin/, API: /api/v1/). Stoppen: Ctrl-C."
	@echo "Eerste beheerder: $(SAMEN) createsuperuser"
	SAMEN_HTTPS=false $(SAMEN) db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	SAMEN_HTTPS=false $(BIN)/gunicorn samen.wsgi:application --bind $(HOST):$(PORT) --workers 2 --no-control-socket --access-logfile -

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: install
	$(BIN)/mypy $(MYPY_STRICT) $(MYPY_SERVICES)

duplicates: node_modules/.installed
	$(BIN)/python scripts/duplicates.py --max $(DUPLICATES_MAX)

# The SQLite-marked tests on both cores (CHECK_MARK='sqlite and not browser' leaves out the
# Chromium tests).
pytest-fast: install
	DATABASE_URL=sqlite:///$$(mktemp -d)/samen.sqlite3 SAMEN_VAR_DIR=$$(mktemp -d) $(BIN)/pytest -m '$(CHECK_MARK)' -n $(PYTEST_WORKERS) -p no:cacheprovider -q $(PYTEST_ARGS)

# The pre-commit hook's ruff is the locked one.
pins:
	@lock=$$(sed -n 's/^ruff==\([^ ]*\).*/\1/p' requirements.lock); \
	rev=$$(sed -n 's/^ *rev: v//p' .pre-commit-config.yaml); \
	if [ "$$lock" != "$$rev" ]; then \
	  echo ".pre-commit-config.yaml has ruff v$$rev, requirements.lock ruff==$$lock: make them equal"; exit 1; \
	fi

check: lint pins typecheck duplicates pytest-fast
	@echo "make check: lint, types, duplicates and the SQLite tests passed"

migrations-check: install
	SAMEN_VAR_DIR=$$(mktemp -d) $(SAMEN) makemigrations --check --dry-run

openapi: install
	SAMEN_VAR_DIR=$$(mktemp -d) $(SAMEN) spectacular --file src/samen/api/openapi.yaml --validate --fail-on-warn

openapi-check: install node_modules/.installed
	$(BIN)/python scripts/check_openapi.py

pytest-postgres: install system-deps
	@url=$$(scripts/pg.sh start $(PGDIR) $(PGPORT)); \
	trap 'scripts/pg.sh stop $(PGDIR)' EXIT; \
	echo "PostgreSQL test cluster: $$url"; \
	DATABASE_URL=$$url SAMEN_VAR_DIR=$$(mktemp -d) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider $(PYTEST_ARGS)

pytest-sqlite: install system-deps
	DATABASE_URL=sqlite:///$$(mktemp -d)/samen.sqlite3 SAMEN_VAR_DIR=$$(mktemp -d) $(BIN)/pytest -m sqlite -p no:cacheprovider $(PYTEST_ARGS)

test: lint migrations-check openapi-check pytest-postgres pytest-sqlite
	@echo "make test: all quality gates passed"

bench: install system-deps
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
