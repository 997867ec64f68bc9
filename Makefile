# cozeplus — `make run` serves with embedded defaults, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_ARGS ?=
# pytest-xdist workers (`auto`: one per CPU); each runs whole files, so module and session fixtures
# are shared within a file as when serial. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
# The studio web app (web/, docs/adr/0050): npm ci when the lock file is newer than the install,
# a build when any of its sources is newer than the last build.
NPM ?= npm
WEB := web
WEB_DEPS := $(WEB)/node_modules/.installed
WEB_BUILD := $(WEB)/dist/.build-stamp
WEB_SOURCES := $(shell find $(WEB)/src -type f 2>/dev/null) $(WEB)/index.html $(WEB)/package-lock.json \
	$(WEB)/package.json $(WEB)/vite.config.ts $(WEB)/tsconfig.json
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint bench venv dev-venv idl clean web web-test browser screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

venv: $(RUN_STAMP)
dev-venv: $(DEV_STAMP)

$(WEB_DEPS): $(WEB)/package-lock.json $(WEB)/package.json
	$(NPM) --prefix $(WEB) ci --no-audit --no-fund
	touch $@

$(WEB_BUILD): $(WEB_DEPS) $(WEB_SOURCES)
	$(NPM) --prefix $(WEB) run build
	touch $@

web: $(WEB_BUILD)

# The browser tests drive Debian's Chromium (never a browser a tool downloads): installed here when
# missing and running as root (CI); otherwise those tests skip and say why.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "$(CHROMIUM) is missing and this is not root: the browser tests will skip"; fi; \
	fi

web-test: $(WEB_DEPS)
	$(NPM) --prefix $(WEB) run test -- --run

run: $(RUN_STAMP) web
	$(BIN)/cozeplus migrate
	exec $(BIN)/cozeplus serve

test: $(DEV_STAMP) web browser web-test
	COZEPLUS_TEST_REQUIRE_SERVERS=1 $(BIN)/python scripts/services.py run -- $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(DEV_STAMP) $(WEB_DEPS)
	$(BIN)/ruff check src tests migrations scripts
	$(BIN)/ruff format --check src tests migrations scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(NPM) --prefix $(WEB) run lint

bench: $(DEV_STAMP) web browser
	$(BIN)/python scripts/services.py run -- $(BIN)/python -m tests.bench

idl: $(RUN_STAMP)
	$(BIN)/cozeplus openapi export --out idl

clean:
	rm -rf $(VENV) .services .pytest_cache .mypy_cache .ruff_cache $(WEB)/node_modules $(WEB)/dist

# Re-takes the README's screenshots (docs/screenshots/*.png) with the browser tests.
screenshots: $(DEV_STAMP) web browser
	COZEPLUS_SCREENSHOTS=1 $(BIN)/python -m pytest -p no:cacheprovider tests/browser
