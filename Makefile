# cozeplus — `make run` serves with embedded defaults, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_ARGS ?=

.PHONY: run test lint bench venv dev-venv idl clean

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

run: $(RUN_STAMP)
	$(BIN)/cozeplus migrate
	exec $(BIN)/cozeplus serve

test: $(DEV_STAMP)
	COZEPLUS_TEST_REQUIRE_SERVERS=1 $(BIN)/python scripts/services.py run -- $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests migrations scripts
	$(BIN)/ruff format --check src tests migrations scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(DEV_STAMP)
	$(BIN)/python scripts/services.py run -- $(BIN)/python -m tests.bench

idl: $(RUN_STAMP)
	$(BIN)/cozeplus openapi export --out idl

clean:
	rm -rf $(VENV) .services .pytest_cache .mypy_cache .ruff_cache
