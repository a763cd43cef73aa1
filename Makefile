# Two commands: `make demo` (set up and run the demo) and `make test` (set up and pass the tests).
# `make test-fast` runs the in-process tier alone (tests/inprocess: no server, no subprocess).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[demo,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/hil demo

lint: $(STAMP)
	$(BIN)/ruff check hilcli tests bench demos
	$(BIN)/ruff format --check hilcli tests bench demos
	$(BIN)/mypy

# Lint, the in-process tier, then the server tier (the server matrix included); tests/tiers.py
# prints each tier's wall time and test count at the end.
test: lint
	$(BIN)/python tests/tiers.py all

# The in-process tier only, without lint: its budget (30 s on 2 cores) is for the tests, and
# mypy from a cold cache alone can take a good part of it. `make test` lints first.
test-fast: $(STAMP)
	$(BIN)/python tests/tiers.py fast

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
