# Studio sessions: the developer's commands. `make run` and `make test` are
# all a newcomer needs (see README.md).
#
# Without DATABASE_URL every command runs inside
# `python -m studio.embedded_db run -- ...`, which starts the embedded
# PostgreSQL under var/ and stops it again when the command ends (Ctrl-C too).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test` (0 runs everything in one process).
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
BOOTSTRAP_PYTHON := $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
WITH_DB := $(PY) -m studio.embedded_db run --
INSTALLED_STAMP := $(VENV)/.installed-pyproject.toml

.PHONY: help install run test lint bench clean distclean

help:
	@echo "make run        install, migrate, load demo data once, serve http://$(HOST):$(PORT)"
	@echo "make test       install, then run the whole pytest suite"
	@echo "make lint       ruff check"
	@echo "make bench      run the benchmarks (python -m bench)"
	@echo "make clean      remove caches and build output (keeps .venv and the database)"
	@echo "make distclean  clean, stop the embedded database, delete .venv and var/ (the local database)"

# Create .venv (Python 3.11) and install the pinned dependencies; reinstall
# only when pyproject.toml differs from the copy saved after the last install.
install:
	@if [ ! -x "$(PY)" ]; then \
	  if [ -z "$(BOOTSTRAP_PYTHON)" ]; then echo "No python3.11 or python3 on PATH: install Python 3.11." >&2; exit 1; fi; \
	  echo "Creating $(VENV) with $(BOOTSTRAP_PYTHON)"; \
	  $(BOOTSTRAP_PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }; \
	fi
	@$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
	  echo "$(VENV) runs $$($(PY) -V 2>&1) but Studio sessions needs Python 3.11: install python3.11, then rm -rf $(VENV)." >&2; \
	  exit 1; }
	@if ! cmp -s pyproject.toml $(INSTALLED_STAMP); then \
	  echo "Installing dependencies from pyproject.toml into $(VENV) (the first time takes a minute)..."; \
	  rm -f $(INSTALLED_STAMP); \
	  $(PY) -m pip install --disable-pip-version-check --quiet -e '.[test]' && \
	  cp pyproject.toml $(INSTALLED_STAMP); \
	fi

# Loads the demo data (seed_demo) when its manager user does not exist yet,
# i.e. the first time on a database; prints the login when it does.
define SEED_PY
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands

users = get_user_model().objects
if "seed_demo" not in get_commands():
    print("No demo data: the seed_demo command does not exist yet.")
elif not users.filter(username="manager").exists():
    print("Loading demo data (first run)...")
    call_command("seed_demo")
if users.filter(username="manager").exists():
    print("\n  Demo manager login:  manager / studio-demo")
endef
export SEED_PY

define RUN_SH
set -euo pipefail
$(PY) manage.py migrate --noinput
$(PY) manage.py shell --verbosity 0 --command "$$SEED_PY"
echo "  Open http://$(HOST):$(PORT)/   (Ctrl-C stops the server and the embedded database)"
echo
exec $(PY) manage.py runserver $(HOST):$(PORT)
endef
export RUN_SH

run: install
	@$(WITH_DB) bash -c "$$RUN_SH"

# Browser tests need Debian's chromium; without it they are skipped, loudly.
test: install
	@if [ -x /usr/bin/chromium ]; then \
	  $(WITH_DB) $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); \
	else \
	  echo "Browser tests skipped: /usr/bin/chromium not found (apt-get install chromium)"; \
	  $(WITH_DB) $(PY) -m pytest -n $(PYTEST_WORKERS) -m "not e2e" $(PYTEST_ARGS); \
	fi

lint: install
	$(PY) -m ruff check .

bench: install
	@if [ -f bench/__main__.py ]; then \
	  $(WITH_DB) $(PY) -m bench; \
	else \
	  echo "No benchmarks yet (bench/__main__.py does not exist)."; \
	fi

clean:
	find . -path ./$(VENV) -prune -o -path ./var -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf staticfiles .pytest_cache .ruff_cache *.egg-info tests/e2e/screenshots bench/results

distclean: clean
	@if [ -x "$(PY)" ]; then $(PY) -m studio.embedded_db stop || true; fi
	rm -rf $(VENV) var
