# The two commands: `make run` serves the default venue; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
VENUE  ?= venues/mechinterp-2025.toml
# The suite runs on both cores of the machines it is made for (pytest-xdist).
PYTEST_ARGS ?= -n 2
# Links in e-mails point at the address being served.
PAPERDESK_SITE_URL ?= http://$(HOST):$(PORT)
export PAPERDESK_SITE_URL

.PHONY: run test test-pg test-topology lint demo setup clean-venv bench chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.run-installed

$(VENV)/.lint-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[lint]'
	touch $@

# Static files are collected (hashed names, gzip copies) at install, again only when a
# static source or the installed packages change; `serve` never does it at each start.
STATIC_MANIFEST := $(or $(PAPERDESK_STATIC_ROOT),$(or $(PAPERDESK_VAR),var)/static)/staticfiles.json
$(STATIC_MANIFEST): $(VENV)/.run-installed $(shell find paperdesk/static -type f 2>/dev/null)
	$(BIN)/paperdesk collectstatic --no-input -v0

setup: $(VENV)/.run-installed $(STATIC_MANIFEST)
	$(BIN)/paperdesk migrate --no-input -v0
	$(BIN)/paperdesk createcachetable
	$(BIN)/paperdesk venue load $(VENUE)
	$(BIN)/paperdesk venue load $(VENUE) --rehearsal
	$(BIN)/paperdesk ensurechair
	$(BIN)/paperdesk remind-reviewers --schedule-only
	$(BIN)/paperdesk send-digests --schedule-only

run: setup
	$(BIN)/paperdesk serve --host $(HOST) --port $(PORT)

demo: setup
	$(BIN)/paperdesk demo

# Debian's Chromium drives the browser tests; nothing downloads a browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

test: $(VENV)/.test-installed chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The linter, the type checker and the import contracts, all configured in pyproject.toml.
# mypy's error count per package may only go down (tools/mypy-baseline.json): the code
# predates the type checker and is being typed package by package.
lint: $(VENV)/.lint-installed
	$(BIN)/ruff check paperdesk tests bench tools
	$(BIN)/python tools/mypy_ratchet.py
	$(BIN)/lint-imports

# The same suite against PostgreSQL (DATABASE_URL, default: the local server).
test-pg: $(VENV)/.test-installed chromium
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/paperdesk} $(BIN)/python -m pytest $(PYTEST_ARGS)

# The deployment kit's topology without containers (tests/ops/test_topology.py): a throwaway
# database on the local PostgreSQL server (PAPERDESK_TEST_PG, default postgres://postgres@127.0.0.1:5432),
# moto's S3 server, two web servers, two workers and an SMTP server, one paper end to end.
test-topology: $(VENV)/.test-installed
	$(BIN)/python -m pytest -m topology tests/ops/test_topology.py

bench: $(VENV)/.test-installed
	$(BIN)/python bench/checks_speed.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/pages.py

clean-venv:
	rm -rf $(VENV)
