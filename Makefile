# Warta: `make run` serves the app with its job worker; `make test` lints and runs every test.
# Both work on a fresh clone: they find Python 3.13, install uv if it is missing and build .venv
# from uv.lock.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
# SITE_URL (links in notifications, API documents) follows the port unless it is set itself.
export PORT

# The first of these that is Python 3.13 (pyenv resolves python3.13 through .python-version;
# on Debian 13 the system python3 is 3.13).
PYTHON313 := $(shell for p in python3.13 python3 python; do \
	$$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1 \
	&& command -v $$p && break; done)
# uv on PATH if it runs, else the copy that `make tools` installs into that Python.
UV = $(if $(shell uv --version >/dev/null 2>&1 && echo yes),uv,$(PYTHON313) -m uv)
# uv picks 3.13 by .python-version; it must never try to download an interpreter (this network
# reaches package registries only), so a missing 3.13 fails at once with a clear message.
export UV_PYTHON_DOWNLOADS := never
# Every `uv run` here uses uv.lock as committed, never re-resolves it (uv add/lock do that).
export UV_FROZEN := 1

MANAGE = $(UV) run python manage.py
VAR_DIR = $${WARTA_VAR_DIR:-var}
DEMO_PASSWORD = $${WARTA_DEMO_PASSWORD:-warta-demo-2026}

.PHONY: help tools sync test-packages prepare run test lint fmt pytest

help:
	@echo "make run     serve Warta and its job worker at http://127.0.0.1:$(PORT)/ (PORT=8123 make run)"
	@echo "make test    lint (ruff, mypy) and run the whole test suite (pytest, browser tests too)"
	@echo "make lint    ruff check, ruff format --check, mypy"
	@echo "make fmt     ruff format and ruff check --fix"
	@echo "make pytest  only the tests; pass options with ARGS='-k seed -x'"

tools:
	@if [ -z "$(PYTHON313)" ]; then \
		echo "warta: Python 3.13 not found: install it (pyenv install 3.13, or on Debian 13 apt-get install python3) and run make again." >&2; \
		exit 1; \
	fi
	@if ! uv --version >/dev/null 2>&1 && ! $(PYTHON313) -m uv --version >/dev/null 2>&1; then \
		echo "warta: uv not found; installing it with pip into $(PYTHON313)"; \
		$(PYTHON313) -m pip install --quiet --user uv 2>/dev/null \
		|| $(PYTHON313) -m pip install --quiet uv 2>/dev/null \
		|| $(PYTHON313) -m pip install --quiet --user --break-system-packages uv \
		|| { echo "warta: could not install uv: install it (python3.13 -m pip install uv) and run make again." >&2; exit 1; }; \
	fi

sync: tools
	$(UV) sync --frozen

# Everything before serving (ops/management/commands/prepare.py): validate the SOP file (one line
# naming file, field and reason, exit 1, if it is malformed), migrate, load_sop,
# createcachetable, collectstatic, seed_demo (only on an empty database).
prepare: sync
	@mkdir -p "$(VAR_DIR)"
	$(MANAGE) prepare

run: prepare
	@echo "Warta: http://127.0.0.1:$(PORT)/  demo accounts kabid, kasi, operator1, operator2, admin; password: $(DEMO_PASSWORD)"
	$(MANAGE) serve --port $(PORT)

# Chromium (browser tests), fonts and WeasyPrint's libraries: installed when run as root,
# otherwise one line names the apt-get command (ops/sh/test-packages.sh).
test-packages:
	@bash ops/sh/test-packages.sh

# Lint and tests both run, so one report shows every failure.
test: sync test-packages
	@status=0; \
	$(MAKE) --no-print-directory lint || status=1; \
	$(MAKE) --no-print-directory pytest || status=1; \
	exit $$status

# All three run, so one report shows every problem.
lint:
	@status=0; \
	echo "$(UV) run ruff check ."; $(UV) run ruff check . || status=1; \
	echo "$(UV) run ruff format --check ."; $(UV) run ruff format --check . || status=1; \
	echo "$(UV) run mypy ."; $(UV) run mypy . || status=1; \
	exit $$status

fmt:
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

# Jobs run inline in tests (HUEY_IMMEDIATE=1): no worker needed. var/static keeps whitenoise quiet.
# WARTA_TEST_CLOCK='2026-12-31 17:30:00' runs the tests as if the clock (UTC) started then, with
# Debian's faketime: CI uses it for a night hour in Jakarta that is an evening in UTC.
pytest:
	@mkdir -p "$(VAR_DIR)/static"
	@if [ -n "$${WARTA_TEST_CLOCK:-}" ] && ! command -v faketime >/dev/null; then \
		echo "warta: WARTA_TEST_CLOCK needs faketime: sudo apt-get install -y faketime" >&2; exit 1; fi
	HUEY_IMMEDIATE=1 $${WARTA_TEST_CLOCK:+env FAKETIME_DONT_RESET=1 faketime -f "@$$WARTA_TEST_CLOCK"} \
		$(UV) run pytest $(ARGS)
